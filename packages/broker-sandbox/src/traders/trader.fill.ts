import type { TradePattern } from './trader.accounts';

/**
 * One execution of a sandbox trader, before an exchange formats it. Prices are integer ticks of
 * 0.01 quote currency and quantities integer units of 1e-8 base asset, so every wire value derived
 * from them is exact.
 */
export interface TraderFill {
  /** Unique and stable within (venue, account): the seed of every id the exchanges show. */
  key: number;
  /** Key of the order's first fill; shared by all partial fills of an order. */
  orderKey: number;
  /** Index into `venueSymbols(venue)`. */
  symbol: number;
  side: 'BUY' | 'SELL';
  /** Execution time in microseconds since 1970, already rounded to `precision` fraction digits. */
  timeUs: number;
  precision: 0 | 3 | 6;
  priceTicks: number;
  qtyUnits: number;
  maker: boolean;
  /** What the trader was doing; never on the wire, used by tests and to explain the data. */
  pattern: TradePattern;
  /** Coinbase reports reversals and corrections as extra entries that importers must skip. */
  tradeType: 'FILL' | 'REVERSAL' | 'CORRECTION';
}
