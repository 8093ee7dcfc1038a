import { formatScaled, PRICE_SCALE, QTY_SCALE, QUOTE_SCALE, quoteValue } from '../core/decimal';
import { mix } from '../core/hash';
import { stableUuid } from '../core/ids';
import { formatRfc3339 } from '../core/time';
import { COINBASE, venueSymbols } from '../market/market.assets';
import type { AccountBook } from '../traders/trader.book';
import type { TraderFill } from '../traders/trader.fill';
import { CORRECTION_KEY_OFFSET } from '../traders/trader.writer';

/** Coinbase's List Fills wire shape (Advanced Trade `GET /api/v3/brokerage/orders/historical/fills`). */
export interface CoinbaseFill {
  entry_id: string;
  trade_id: string;
  order_id: string;
  trade_time: string;
  trade_type: 'FILL' | 'REVERSAL' | 'CORRECTION';
  price: string;
  size: string;
  commission: string;
  product_id: string;
  sequence_timestamp: string;
  liquidity_indicator: 'MAKER' | 'TAKER';
  size_in_quote: boolean;
  user_id: string;
  side: 'BUY' | 'SELL';
  retail_portfolio_id: string;
}

const SYMBOLS = venueSymbols(COINBASE);
const SALT_ENTRY = 1;
const SALT_TRADE = 2;
const SALT_ORDER = 3;
const SALT_USER = 4;
const SALT_PORTFOLIO = 5;
/** Advanced Trade fees of a new account: 0.60 % taker, 0.40 % maker, in per-mille tenths. */
const TAKER_FEE_PER_10K = 60n;
const MAKER_FEE_PER_10K = 40n;

/** The account's entries in Coinbase's order: newest `sequence_timestamp` first, ties by key. */
export interface CoinbaseIndex {
  entries: TraderFill[];
  /** Sequence time (µs) of each entry, parallel to `entries`. */
  sequenceUs: Float64Array;
}

const indexes = new WeakMap<AccountBook, CoinbaseIndex>();

/** A fill's sequence time: its matching-engine sequence, a few hundred microseconds after the trade. */
function sequenceOf(fill: TraderFill): number {
  return fill.timeUs + 100 + (mix(fill.key, Math.floor(fill.key / 0x100000000), 0x736571) % 900);
}

export function coinbaseIndex(book: AccountBook): CoinbaseIndex {
  let index = indexes.get(book);
  if (!index) {
    const decorated = book.fills.map((fill) => ({ fill, sequence: sequenceOf(fill) }));
    decorated.sort((a, b) => b.sequence - a.sequence || b.fill.key - a.fill.key);
    index = {
      entries: decorated.map((d) => d.fill),
      sequenceUs: Float64Array.from(decorated, (d) => d.sequence),
    };
    indexes.set(book, index);
  }
  return index;
}

/** Position in the index just after the entry a cursor names (entries are in descending order). */
export function positionAfter(index: CoinbaseIndex, sequenceUs: number, key: number): number {
  let low = 0;
  let high = index.entries.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const seq = index.sequenceUs[mid]!;
    const after = seq < sequenceUs || (seq === sequenceUs && index.entries[mid]!.key < key);
    if (after) high = mid;
    else low = mid + 1;
  }
  return low;
}

export function encodeCursor(sequenceUs: number, key: number): string {
  return Buffer.from(`${sequenceUs}.${key}`).toString('base64url');
}

export function decodeCursor(cursor: string): { sequenceUs: number; key: number } | undefined {
  const match = /^(\d{1,17})\.(\d{1,17})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { sequenceUs: Number(match[1]), key: Number(match[2]) } : undefined;
}

export function productOf(fill: TraderFill): string {
  return SYMBOLS[fill.symbol]!.symbol;
}

/** Who the fills belong to: the same for every fill of an account. */
export interface CoinbaseOwner {
  seed: number;
  userId: string;
  portfolioId: string;
}

export function coinbaseOwner(seed: number, accountIndex: number): CoinbaseOwner {
  return {
    seed,
    userId: stableUuid(accountIndex, SALT_USER, seed),
    portfolioId: stableUuid(accountIndex, SALT_PORTFOLIO, seed),
  };
}

export function toCoinbaseFill(fill: TraderFill, owner: CoinbaseOwner): CoinbaseFill {
  const { seed } = owner;
  const quote = quoteValue(fill.priceTicks, fill.qtyUnits);
  const fee = (quote * (fill.maker ? MAKER_FEE_PER_10K : TAKER_FEE_PER_10K)) / 10_000n;
  const tradeKey = fill.tradeType === 'FILL' ? fill.key : fill.key - CORRECTION_KEY_OFFSET;
  return {
    entry_id: stableUuid(fill.key, SALT_ENTRY, seed),
    trade_id: stableUuid(tradeKey, SALT_TRADE, seed),
    order_id: stableUuid(fill.orderKey, SALT_ORDER, seed),
    trade_time: formatRfc3339(fill.timeUs, fill.precision),
    trade_type: fill.tradeType,
    price: formatScaled(BigInt(fill.priceTicks), PRICE_SCALE, 'trim'),
    size: formatScaled(BigInt(fill.qtyUnits), QTY_SCALE, 'trim'),
    commission: formatScaled(fee, QUOTE_SCALE, 'trim'),
    product_id: productOf(fill),
    sequence_timestamp: formatRfc3339(sequenceOf(fill), 6),
    liquidity_indicator: fill.maker ? 'MAKER' : 'TAKER',
    size_in_quote: false,
    user_id: owner.userId,
    side: fill.side,
    retail_portfolio_id: owner.portfolioId,
  };
}
