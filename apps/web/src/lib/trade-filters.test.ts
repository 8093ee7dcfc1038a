import { describe, expect, it } from 'vitest';
import {
  EMPTY_FILTERS,
  filtersFromSearch,
  filtersToQuery,
  filtersToSearch,
  validateFilters,
} from './trade-filters';

describe('trade filters in the URL', () => {
  it('reads known filters and ignores nonsense', () => {
    expect(filtersFromSearch('symbol=btc-usd&side=SELL&label=FOMO&from=2026-03-01&to=2026-03-31')).toEqual({
      symbol: 'BTC-USD',
      side: 'SELL',
      label: 'FOMO',
      from: '2026-03-01',
      to: '2026-03-31',
    });
    expect(filtersFromSearch('side=HOLD&label=GREED')).toEqual(EMPTY_FILTERS);
  });

  it('writes only the filters that are set', () => {
    expect(filtersToSearch({ ...EMPTY_FILTERS, symbol: 'ETH-USDT', label: 'PANIC' })).toBe(
      'symbol=ETH-USDT&label=PANIC',
    );
    expect(filtersToSearch(EMPTY_FILTERS)).toBe('');
  });

  it('round-trips', () => {
    const filters = {
      symbol: 'BTC-USD',
      side: 'BUY',
      label: 'REVENGE',
      from: '2026-01-02',
      to: '2026-01-09',
    } as const;
    expect(filtersFromSearch(filtersToSearch(filters))).toEqual(filters);
  });
});

describe('validateFilters', () => {
  it('explains a malformed symbol and reversed dates', () => {
    expect(validateFilters({ ...EMPTY_FILTERS, symbol: 'BTCUSD' })).toEqual({
      symbol: 'Use BASE-QUOTE, for example BTC-USD.',
    });
    expect(validateFilters({ ...EMPTY_FILTERS, from: '2026-03-10', to: '2026-03-01' })).toEqual({
      to: 'The end date is before the start date.',
    });
    expect(validateFilters({ ...EMPTY_FILTERS, from: '2026-02-30' })).toEqual({ from: 'Pick a date.' });
    expect(
      validateFilters({ ...EMPTY_FILTERS, symbol: 'BTC-USD', from: '2026-03-01', to: '2026-03-01' }),
    ).toEqual({});
  });
});

describe('filtersToQuery', () => {
  it('turns days into instants in the trader’s zone, the end day inclusive', () => {
    expect(
      filtersToQuery({ ...EMPTY_FILTERS, from: '2026-07-01', to: '2026-07-01' }, 'Europe/Paris'),
    ).toEqual({
      since: '2026-06-30T22:00:00.000Z',
      until: '2026-07-01T21:59:59.999Z',
    });
    expect(
      filtersToQuery({ ...EMPTY_FILTERS, side: 'BUY', label: 'FOMO', symbol: 'BTC-USD' }, 'UTC'),
    ).toEqual({ side: 'BUY', label: 'FOMO', symbol: 'BTC-USD' });
  });
});
