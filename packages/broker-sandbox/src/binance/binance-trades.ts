import { formatScaled, QTY_SCALE, QUOTE_SCALE, quoteValue } from '../core/decimal';
import { uniform } from '../core/hash';
import { ANCHOR_HOUR, hourOfUs, hourStartMs } from '../core/time';
import { BINANCE } from '../market/market.assets';
import type { Market } from '../market/market.series';
import type { AccountBook } from '../traders/trader.book';
import type { TraderFill } from '../traders/trader.fill';

/** Binance's `GET /api/v3/myTrades` row. */
export interface BinanceTradeWire {
  symbol: string;
  id: number;
  orderId: number;
  orderListId: number;
  price: string;
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
  isBestMatch: boolean;
}

export interface BinanceTrade {
  fill: TraderFill;
  /** Trade id: increases with time within a symbol, as Binance's do. */
  id: number;
  orderId: number;
  timeMs: number;
}

/**
 * Trade ids: 1e9 + 64 × (milliseconds since the market's anchor) + a lane for trades of the same
 * millisecond; they grow with time, so `fromId` paging and "last id seen" bookkeeping work.
 */
const TRADE_ID_BASE = 1_000_000_000;
const ORDER_ID_BASE = 20_000_000_000_000;
const LANES = 64;
const ANCHOR_MS = hourStartMs(ANCHOR_HOUR);
/** Share of orders whose fee is paid in BNB (at a 25 % discount). */
const BNB_FEE_SHARE = 0.3;
const BNB_SYMBOL = BINANCE.symbols.find((s) => s.base === 'BNB')!;

const indexes = new WeakMap<AccountBook, BinanceTrade[][]>();

/** The account's trades per spot symbol (by index in `BINANCE.symbols`), each list in id order. */
export function binanceTrades(book: AccountBook): BinanceTrade[][] {
  let bySymbol = indexes.get(book);
  if (bySymbol) return bySymbol;
  bySymbol = BINANCE.symbols.map(() => []);
  const firstTradeOfOrder = new Map<number, number>();
  for (const fill of book.fills) {
    const timeMs = Math.floor(fill.timeUs / 1000);
    const list = bySymbol[fill.symbol]!;
    const millisecondId = TRADE_ID_BASE + (timeMs - ANCHOR_MS) * LANES;
    const last = list.at(-1);
    const lane = last && last.timeMs === timeMs ? last.id - millisecondId + 1 : 0;
    if (lane >= LANES) throw new Error(`more than ${LANES} trades of one symbol in one millisecond`);
    const id = millisecondId + lane;
    if (fill.key === fill.orderKey) firstTradeOfOrder.set(fill.orderKey, id);
    list.push({ fill, id, orderId: 0, timeMs });
  }
  for (const list of bySymbol) {
    for (const trade of list) {
      const first = firstTradeOfOrder.get(trade.fill.orderKey) ?? trade.id;
      trade.orderId = ORDER_ID_BASE + first - TRADE_ID_BASE;
    }
  }
  indexes.set(book, bySymbol);
  return bySymbol;
}

function feePaidInBnb(fill: TraderFill, seed: number): boolean {
  return uniform(seed, fill.orderKey, Math.floor(fill.orderKey / 0x100000000), 0x626e62) < BNB_FEE_SHARE;
}

/** Commission as Binance charges it: 0.1 % of what is received, or 0.075 % of the value in BNB. */
function commissionOf(fill: TraderFill, market: Market, seed: number): { amount: bigint; asset: string } {
  const spec = BINANCE.symbols[fill.symbol]!;
  const quote = quoteValue(fill.priceTicks, fill.qtyUnits);
  if (feePaidInBnb(fill, seed)) {
    const bnbPrice = BigInt(market.asset(BNB_SYMBOL.asset).closeAt(hourOfUs(fill.timeUs) - 1));
    return { amount: (quote * 75n) / (100_000n * bnbPrice), asset: 'BNB' };
  }
  if (fill.side === 'BUY') return { amount: BigInt(fill.qtyUnits) / 1_000n, asset: spec.base };
  return { amount: quote / 100_000n, asset: spec.quote };
}

export function toBinanceTrade(trade: BinanceTrade, market: Market, seed: number): BinanceTradeWire {
  const { fill } = trade;
  const commission = commissionOf(fill, market, seed);
  return {
    symbol: BINANCE.symbols[fill.symbol]!.symbol,
    id: trade.id,
    orderId: trade.orderId,
    orderListId: -1,
    price: formatScaled(BigInt(fill.priceTicks) * 1_000_000n, QTY_SCALE, 'fixed'),
    qty: formatScaled(BigInt(fill.qtyUnits), QTY_SCALE, 'fixed'),
    quoteQty: formatScaled(quoteValue(fill.priceTicks, fill.qtyUnits), QUOTE_SCALE, 'trim'),
    commission: formatScaled(commission.amount, QTY_SCALE, 'fixed'),
    commissionAsset: commission.asset,
    time: trade.timeMs,
    isBuyer: fill.side === 'BUY',
    isMaker: fill.maker,
    isBestMatch: true,
  };
}
