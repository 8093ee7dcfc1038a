import { BIAS_LABELS, type BiasLabel } from '@tt/shared';
import { isCalendarDay, nextDay, startOfDayIso } from './zoned-date';

/** The trades page's filters, as they stand in its URL (`/trades?symbol=BTC-USD&label=FOMO`). */
export interface TradeFilters {
  symbol: string;
  side: '' | 'BUY' | 'SELL';
  label: '' | BiasLabel;
  /** First day shown, YYYY-MM-DD in the trader's zone; empty for no bound. */
  from: string;
  /** Last day shown (inclusive). */
  to: string;
}

export const EMPTY_FILTERS: TradeFilters = { symbol: '', side: '', label: '', from: '', to: '' };

const SYMBOL = /^[A-Za-z0-9]+-[A-Za-z0-9]+$/;
const FILTER_KEYS = ['symbol', 'side', 'label', 'from', 'to'] as const;

export function filtersFromSearch(search: string | URLSearchParams): TradeFilters {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const side = params.get('side');
  const label = params.get('label');
  return {
    symbol: (params.get('symbol') ?? '').trim().toUpperCase(),
    side: side === 'BUY' || side === 'SELL' ? side : '',
    label: (BIAS_LABELS as readonly string[]).includes(label ?? '') ? (label as BiasLabel) : '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
}

/** Only the filters that are set, so a clean URL stays clean. */
export function filtersToSearch(filters: TradeFilters): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filters[key]) params.set(key, filters[key]);
  return params.toString();
}

/** Field → message for filters that cannot be sent; empty when all are fine. */
export function validateFilters(filters: TradeFilters): Partial<Record<keyof TradeFilters, string>> {
  const errors: Partial<Record<keyof TradeFilters, string>> = {};
  if (filters.symbol && !SYMBOL.test(filters.symbol)) errors.symbol = 'Use BASE-QUOTE, for example BTC-USD.';
  if (filters.from && !isCalendarDay(filters.from)) errors.from = 'Pick a date.';
  if (filters.to && !isCalendarDay(filters.to)) errors.to = 'Pick a date.';
  if (!errors.from && !errors.to && filters.from && filters.to && filters.from > filters.to) {
    errors.to = 'The end date is before the start date.';
  }
  return errors;
}

/**
 * The `/api/trades` query for valid filters: days become instants in the trader's zone, and the
 * end day is inclusive (`until` is inclusive too: the last millisecond before the next day).
 */
export function filtersToQuery(filters: TradeFilters, timeZone: string): Record<string, string> {
  const query: Record<string, string> = {};
  if (filters.symbol) query.symbol = filters.symbol;
  if (filters.side) query.side = filters.side;
  if (filters.label) query.label = filters.label;
  if (filters.from) query.since = startOfDayIso(filters.from, timeZone);
  if (filters.to)
    query.until = new Date(Date.parse(startOfDayIso(nextDay(filters.to), timeZone)) - 1).toISOString();
  return query;
}
