import type { BiasLabel } from '@tt/shared';
import { BIAS_LABEL_INFO } from '../lib/bias-labels';
import { formatPercent } from '../lib/format';

/** A bias tag: its name in words (colour only repeats it), confidence when asked for. */
export function BiasChip({ label, confidence }: { label: BiasLabel; confidence?: number }) {
  const info = BIAS_LABEL_INFO[label];
  return (
    <span className={`chip chip-${info.kind}`} title={info.meaning}>
      {info.name}
      {confidence !== undefined ? (
        <span className="chip-confidence"> {formatPercent(confidence, 0)}</span>
      ) : null}
    </span>
  );
}
