import { markAt, HOUR_MS, type PriceSeries } from './price-series';

/**
 * One position as a chart path sees it: open from `openAt`, worth `effQty × mark − cost` while
 * open (the mark net of the exit fee it would pay), then `realised` from `closeAt` on.
 */
export interface PathLeg {
  key: string;
  openAt: number;
  /** Null while still open at the end of the chart. */
  closeAt: number | null;
  /** qty × (1 − exit fee rate); 0 for legs charted by their realised P&L only. */
  effQty: number;
  cost: number;
  realised: number;
}

/** Longest chart drawn hour by hour (90 days); longer ones take every k-th hour. */
export const MAX_HOURLY_POINTS = 2160;

/** Hour boundaries from the first at or after `fromMs` through the first at or after `toMs`. */
export function hourlyPoints(fromMs: number, toMs: number): number[] {
  const first = Math.ceil(fromMs / HOUR_MS) * HOUR_MS;
  const last = Math.max(first, Math.ceil(toMs / HOUR_MS) * HOUR_MS);
  const hours = (last - first) / HOUR_MS;
  const stride = Math.max(1, Math.ceil(hours / MAX_HOURLY_POINTS));
  const points: number[] = [];
  for (let t = first; t < last; t += stride * HOUR_MS) points.push(t);
  points.push(last);
  return points;
}

/**
 * The value of a set of legs at each point, by one sweep over opens and closes: realised P&L so
 * far plus every open leg marked at the last hourly close (a series without a close yet adds
 * nothing). O(points × series + legs log legs).
 */
export function pathValues(
  legs: readonly PathLeg[],
  points: readonly number[],
  prices: ReadonlyMap<string, PriceSeries>,
): number[] {
  const opens = [...legs].sort((a, b) => a.openAt - b.openAt);
  const closes = legs.filter((l) => l.closeAt !== null).sort((a, b) => a.closeAt! - b.closeAt!);
  const effQty = new Map<string, number>();
  const cost = new Map<string, number>();
  const add = (leg: PathLeg, sign: 1 | -1) => {
    effQty.set(leg.key, (effQty.get(leg.key) ?? 0) + sign * leg.effQty);
    cost.set(leg.key, (cost.get(leg.key) ?? 0) + sign * leg.cost);
  };
  let o = 0;
  let c = 0;
  let realised = 0;
  return points.map((t) => {
    for (; o < opens.length && opens[o]!.openAt <= t; o++) add(opens[o]!, 1);
    for (; c < closes.length && closes[c]!.closeAt! <= t; c++) {
      add(closes[c]!, -1);
      realised += closes[c]!.realised;
    }
    let value = realised;
    for (const [key, qty] of effQty) {
      const series = prices.get(key);
      const mark = series ? markAt(series, t) : null;
      if (mark !== null) value += mark * qty - cost.get(key)!;
    }
    return value;
  });
}
