import { decimalSign, formatMoney, formatPercent } from '../lib/format';

/** Realised P&L: the sign is in the text (+/−), the colour only repeats it. */
export function Pnl({ quote, pct }: { quote: string | null; pct?: number | null }) {
  if (quote == null) return <span className="muted">—</span>;
  const sign = decimalSign(quote);
  return (
    <span className={sign > 0 ? 'gain' : sign < 0 ? 'loss' : undefined}>
      {formatMoney(quote, true)}
      {pct != null ? <span className="pnl-pct"> ({formatPercent(pct, 1, true)})</span> : null}
    </span>
  );
}
