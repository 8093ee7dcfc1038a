import { BIAS_LABELS } from '@tt/shared';
import { useState, type FormEvent } from 'react';
import { SelectField, TextField } from '../../components/field';
import { BIAS_LABEL_INFO } from '../../lib/bias-labels';
import { EMPTY_FILTERS, validateFilters, type TradeFilters } from '../../lib/trade-filters';

const SIDE_OPTIONS = [
  { value: '', label: 'Buys and sells' },
  { value: 'BUY', label: 'Buys' },
  { value: 'SELL', label: 'Sells' },
] as const;

const LABEL_OPTIONS = [
  { value: '', label: 'Any tag' },
  ...BIAS_LABELS.map((l) => ({ value: l, label: BIAS_LABEL_INFO[l].name })),
];

/** The filters as a form: applied on submit, so typing a symbol does not refetch on every key. */
export function TradeFiltersForm({
  value,
  onApply,
}: {
  value: TradeFilters;
  onApply: (filters: TradeFilters) => void;
}) {
  const [draft, setDraft] = useState(value);
  const [errors, setErrors] = useState<ReturnType<typeof validateFilters>>({});
  const set = <K extends keyof TradeFilters>(key: K, v: TradeFilters[K]) =>
    setDraft((d) => ({ ...d, [key]: v }));

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = { ...draft, symbol: draft.symbol.trim().toUpperCase() };
    const found = validateFilters(next);
    setErrors(found);
    if (Object.keys(found).length === 0) onApply(next);
  }

  return (
    <form className="filters" onSubmit={submit} noValidate aria-label="Filter trades">
      <TextField
        label="Symbol"
        name="symbol"
        placeholder="BTC-USD"
        value={draft.symbol}
        onChange={(e) => set('symbol', e.target.value)}
        error={errors.symbol}
      />
      <SelectField
        label="Side"
        name="side"
        value={draft.side}
        onChange={(e) => set('side', e.target.value as TradeFilters['side'])}
        options={SIDE_OPTIONS}
      />
      <SelectField
        label="Tag"
        name="label"
        value={draft.label}
        onChange={(e) => set('label', e.target.value as TradeFilters['label'])}
        options={LABEL_OPTIONS}
      />
      <TextField
        label="From"
        name="from"
        type="date"
        value={draft.from}
        onChange={(e) => set('from', e.target.value)}
        error={errors.from}
      />
      <TextField
        label="To"
        name="to"
        type="date"
        value={draft.to}
        onChange={(e) => set('to', e.target.value)}
        error={errors.to}
      />
      <div className="filter-actions">
        <button type="submit" className="button">
          Apply filters
        </button>
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            setDraft(EMPTY_FILTERS);
            setErrors({});
            onApply(EMPTY_FILTERS);
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
