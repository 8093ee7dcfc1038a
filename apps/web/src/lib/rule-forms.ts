import { DEFAULT_RULE_PARAMS, type RuleKind } from '@tt/shared';
import { fractionToPercentInput, percentInputToFraction } from './format';

export interface RuleParamField {
  key: string;
  label: string;
  /** `percent`: stored as a fraction (0.08), typed and shown as a percent (8). */
  unit: 'percent' | 'number' | 'integer';
  hint?: string;
}

export interface RuleForm {
  title: string;
  description: string;
  fields: RuleParamField[];
}

export const RULE_FORMS: Record<RuleKind, RuleForm> = {
  fomo: {
    title: 'FOMO entries',
    description: 'A buy is tagged FOMO when the price ran up this far in a day and looked stretched.',
    fields: [
      { key: 'pct24h', label: 'Rise over 24 hours (%)', unit: 'percent' },
      {
        key: 'rsiMin',
        label: 'RSI at least',
        unit: 'number',
        hint: '0–100; above 70 usually means the price rose fast.',
      },
      {
        key: 'bbPosMin',
        label: 'Position in the Bollinger band at least',
        unit: 'number',
        hint: '1 is the top of the usual range.',
      },
    ],
  },
  panic: {
    title: 'Panic sells',
    description:
      'A sell is tagged panic when the price had dropped this far from its recent high and looked oversold.',
    fields: [
      { key: 'drawdownMin', label: 'Drop from the 3-day high (%)', unit: 'percent' },
      {
        key: 'rsiMax',
        label: 'RSI at most',
        unit: 'number',
        hint: '0–100; below 30 usually means the price fell fast.',
      },
    ],
  },
  minHoldHours: {
    title: 'Minimum hold',
    description: 'Exits sooner than this are tagged early exits, unless you planned otherwise.',
    fields: [{ key: 'hours', label: 'Hold at least (hours)', unit: 'number' }],
  },
  stopLossPct: {
    title: 'Stop loss',
    description: 'Holding on after the price fell this far below your entry is tagged a late exit.',
    fields: [{ key: 'pct', label: 'Stop below entry (%)', unit: 'percent' }],
  },
  maxTradesPerDay: {
    title: 'Trades per day',
    description: 'More trades than this in a day are tagged overtrading.',
    fields: [{ key: 'count', label: 'At most (trades)', unit: 'integer' }],
  },
  cooldownAfterLossMinutes: {
    title: 'Cool-down after a loss',
    description: 'A new entry sooner than this after a losing exit is tagged a revenge trade.',
    fields: [{ key: 'minutes', label: 'Wait at least (minutes)', unit: 'integer' }],
  },
  avoidSpikeOverPct: {
    title: 'Avoid buying spikes',
    description: 'Your own rule: flag buys after a rise this large. Off until you switch it on.',
    fields: [{ key: 'pct', label: 'Rise over 24 hours (%)', unit: 'percent' }],
  },
};

/** The text a field shows for a stored value. */
export function paramToInput(field: RuleParamField, value: number | undefined): string {
  if (value === undefined) return '';
  return field.unit === 'percent' ? fractionToPercentInput(value) : String(value);
}

/** Typed texts back to stored params; field → message for the ones that are not numbers. */
export function inputsToParams(
  form: RuleForm,
  inputs: Record<string, string>,
): { params: Record<string, number>; errors: Record<string, string> } {
  const params: Record<string, number> = {};
  const errors: Record<string, string> = {};
  for (const field of form.fields) {
    const text = (inputs[field.key] ?? '').trim();
    const value =
      field.unit === 'percent'
        ? percentInputToFraction(text)
        : /^-?\d+(\.\d+)?$/.test(text)
          ? Number(text)
          : null;
    if (value === null) errors[field.key] = 'Enter a number.';
    else if (field.unit === 'integer' && !Number.isInteger(value))
      errors[field.key] = 'Enter a whole number.';
    else params[field.key] = value;
  }
  return { params, errors };
}

export function defaultParams(kind: RuleKind): Record<string, number> {
  return { ...DEFAULT_RULE_PARAMS[kind] } as Record<string, number>;
}

/** Personalisation's "where each number came from", as lines to read; empty when set by hand. */
export function describeProvenance(provenance: unknown): string[] {
  if (provenance == null || typeof provenance !== 'object')
    return typeof provenance === 'string' ? [provenance] : [];
  return Object.entries(provenance as Record<string, unknown>).map(([key, value]) => {
    if (value && typeof value === 'object') {
      const parts = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
        .map(([k, v]) => `${k} ${typeof v === 'number' ? Number(v.toPrecision(4)) : String(v)}`);
      return `${key}: ${parts.join(', ')}`;
    }
    return `${key}: ${String(value)}`;
  });
}
