import type { RawFill } from '@tt/shared';
import { divideDecimals, isPositiveDecimal, normalizeDecimal } from '../core/decimal';
import { parseExactTime } from '../core/time';
import type { CoinbaseFill } from './coinbase.schemas';

/**
 * `BTC-USD` → `{ base: 'BTC', quote: 'USD' }` for spot products; undefined for futures
 * (`BIT-28JUN24-CDE`), perpetuals (`BTC-PERP-INTX`) and anything else that is not BASE-QUOTE.
 */
export function coinbaseSpotProduct(productId: string): { base: string; quote: string } | undefined {
  const match = /^([A-Za-z0-9]+)-([A-Za-z0-9]+)$/.exec(productId);
  if (!match) return undefined;
  const base = match[1]!.toUpperCase();
  const quote = match[2]!.toUpperCase();
  if (quote === 'PERP' || quote === 'INTX') return undefined;
  return { base, quote };
}

export type NormalizedCoinbaseFill =
  | { kind: 'fill'; fill: RawFill; sequenceTs: string; tradeTs: string }
  | { kind: 'skipped' }
  | { kind: 'invalid'; reason: string };

/**
 * One Advanced Trade fill as a RawFill. extId is `trade_id`: Coinbase's fills export carries the
 * same id in its `trade id` column, so API and CSV imports of one trade meet. (Self-trade
 * prevention, on by default, keeps one user from being both sides of a trade id.)
 */
export function normalizeCoinbaseFill(raw: CoinbaseFill): NormalizedCoinbaseFill {
  if (raw.trade_type !== 'FILL') return { kind: 'skipped' };
  const product = coinbaseSpotProduct(raw.product_id);
  if (!product) return { kind: 'skipped' };
  if (raw.side !== 'BUY' && raw.side !== 'SELL') return { kind: 'invalid', reason: `side ${raw.side}` };
  const price = normalizeDecimal(raw.price);
  const size = normalizeDecimal(raw.size);
  const fee = normalizeDecimal(raw.commission);
  if (!price || !isPositiveDecimal(price)) return { kind: 'invalid', reason: 'price' };
  if (!size || !isPositiveDecimal(size)) return { kind: 'invalid', reason: 'size' };
  if (fee === undefined) return { kind: 'invalid', reason: 'commission' };
  const tradeTs = parseExactTime(raw.trade_time);
  if (!tradeTs) return { kind: 'invalid', reason: 'trade_time' };
  const sequenceTs = raw.sequence_timestamp ? parseExactTime(raw.sequence_timestamp) : tradeTs;
  if (!sequenceTs) return { kind: 'invalid', reason: 'sequence_timestamp' };
  // A fill of an order placed in quote currency reports its size in quote units.
  const qty = raw.size_in_quote ? divideDecimals(size, price) : size;
  const liquidity = raw.liquidity_indicator;
  const fill: RawFill = {
    broker: 'coinbase',
    extId: raw.trade_id,
    ...(raw.order_id ? { orderId: raw.order_id } : {}),
    symbol: `${product.base}-${product.quote}`,
    side: raw.side,
    qty,
    price,
    fee,
    feeAsset: product.quote,
    ts: tradeTs,
    ...(liquidity === 'MAKER' || liquidity === 'TAKER' ? { isMaker: liquidity === 'MAKER' } : {}),
    source: 'api',
  };
  return { kind: 'fill', fill, sequenceTs, tradeTs };
}
