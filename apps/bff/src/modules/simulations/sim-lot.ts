import { Dec, ZERO } from './sim-money';
import { closeAtHorizon, type PriceSeries } from './price-series';
import type { PathLeg } from './value-path';

/** A FIFO lot as the simulations read it from `positions`; decimals are exact strings. */
export interface SimLot {
  /** `broker|symbol`: which price series marks it. */
  key: string;
  entryTradeId: string;
  exitTradeId: string | null;
  qty: string;
  entryPrice: string;
  entryFee: string;
  entryTs: Date;
  exitTs: Date | null;
  /** Realised P&L after both fees; null while open. */
  pnlQuote: string | null;
  /** The whole entry fill the lot was cut from: its fee rate is what counterfactual exits pay. */
  entryFill: { qty: string; price: string; feeQuote: string };
}

/** Smallest and largest of many numbers (no argument spreading: lists may be long). */
export const minOf = (values: Iterable<number>) => {
  let out = Infinity;
  for (const v of values) if (v < out) out = v;
  return out;
};
export const maxOf = (values: Iterable<number>) => {
  let out = -Infinity;
  for (const v of values) if (v > out) out = v;
  return out;
};

/**
 * A lot's money: cost is the entry value plus the lot's share of the entry fee; the fee rate is the
 * whole entry fill's (not the lot's rounded share), so the lots of one fill add up exactly.
 */
export interface LotMoney {
  qty: Dec;
  entryPrice: Dec;
  cost: Dec;
  feeRate: Dec;
}

export function lotMoney(lot: SimLot, rates = new Map<string, Dec>()): LotMoney {
  const qty = new Dec(lot.qty);
  const entryPrice = new Dec(lot.entryPrice);
  let feeRate = rates.get(lot.entryTradeId);
  if (!feeRate) {
    const fillNotional = new Dec(lot.entryFill.qty).mul(lot.entryFill.price);
    feeRate = fillNotional.isZero() ? ZERO : new Dec(lot.entryFill.feeQuote).div(fillNotional);
    rates.set(lot.entryTradeId, feeRate);
  }
  return { qty, entryPrice, cost: qty.mul(entryPrice).plus(lot.entryFee), feeRate };
}

/** P&L of buying `qty` for `cost` and selling it at `price`, paying `feeRate` on the proceeds. */
export function pnlSoldAt(qty: Dec, cost: Dec, feeRate: Dec, price: Dec): Dec {
  const proceeds = qty.mul(price);
  return proceeds.minus(proceeds.mul(feeRate)).minus(cost);
}

export interface HorizonPrice {
  price: Dec;
  /** Close time of the candle that gave the price. */
  closedAt: number;
  horizonAt: number;
}

/** The price each lot is sold at in the counterfactuals; null when prices do not reach its horizon. */
export function horizonPrice(
  lot: SimLot,
  horizonMs: number,
  prices: ReadonlyMap<string, PriceSeries>,
): HorizonPrice | null {
  const horizonAt = lot.entryTs.getTime() + horizonMs;
  const series = prices.get(lot.key);
  const found = series ? closeAtHorizon(series, horizonAt) : null;
  return found ? { price: new Dec(found.price), closedAt: found.closedAt, horizonAt } : null;
}

/**
 * What the lot actually made: its realised P&L once closed; a lot still open is valued at the
 * horizon price with the exit fee it would pay (so it neither gains nor loses against holding).
 */
export function actualPnl(lot: SimLot, money: LotMoney, atHorizon: HorizonPrice | null): Dec {
  if (lot.pnlQuote !== null) return new Dec(lot.pnlQuote);
  return atHorizon ? pnlSoldAt(money.qty, money.cost, money.feeRate, atHorizon.price) : ZERO;
}

/** Quantity net of the exit fee rate, for charts (floats are enough for a drawing). */
export const chartQty = (money: LotMoney) => money.qty.toNumber() * (1 - money.feeRate.toNumber());

/** The chart leg of what actually happened. */
export function actualLeg(lot: SimLot, money: LotMoney, actual: Dec): PathLeg {
  return {
    key: lot.key,
    openAt: lot.entryTs.getTime(),
    closeAt: lot.exitTs?.getTime() ?? null,
    effQty: chartQty(money),
    cost: money.cost.toNumber(),
    realised: actual.toNumber(),
  };
}
