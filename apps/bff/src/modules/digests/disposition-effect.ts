import type { DigestPayload } from '@tt/shared';
import { localDate } from './local-week';

/** One closed lot: what was sold, when, for how much realised P&L (fees included). */
export interface LotSale {
  key: string;
  ts: number;
  pnl: number;
}

/** A lot as the portfolio holds it: from its entry until its exit (or still). */
export interface HeldLot {
  key: string;
  entryTs: number;
  exitTs: number | null;
  qty: number;
  /** Entry value plus entry fee. */
  cost: number;
}

export type DispositionEffect = NonNullable<DigestPayload['dispositionEffect']>;

const share = (part: number, other: number) => (part + other === 0 ? null : part / (part + other));

/**
 * Odean (1998) on hourly data. For each local day with a sale: each symbol sold that day is one
 * realised gain or loss (the sign of that day's realised P&L on it); each other symbol still held
 * at the day's last sale is one paper gain or loss (the last hourly close at that moment against
 * its average cost per unit, entry fees included). Symbols without a close are left out.
 */
export function dispositionEffect(input: {
  sales: readonly LotSale[];
  held: readonly HeldLot[];
  markAt(key: string, atMs: number): number | null;
  timeZone: string;
}): DispositionEffect | null {
  if (input.sales.length === 0) return null;
  const days = new Map<string, { lastSale: number; realised: Map<string, number> }>();
  for (const sale of input.sales) {
    const day = localDate(sale.ts, input.timeZone);
    const entry = days.get(day) ?? { lastSale: sale.ts, realised: new Map<string, number>() };
    entry.lastSale = Math.max(entry.lastSale, sale.ts);
    entry.realised.set(sale.key, (entry.realised.get(sale.key) ?? 0) + sale.pnl);
    days.set(day, entry);
  }

  let rg = 0;
  let rl = 0;
  let pg = 0;
  let pl = 0;
  for (const { lastSale, realised } of days.values()) {
    for (const pnl of realised.values()) {
      if (pnl > 0) rg++;
      else if (pnl < 0) rl++;
    }
    const open = new Map<string, { qty: number; cost: number }>();
    for (const lot of input.held) {
      if (realised.has(lot.key) || lot.entryTs > lastSale || (lot.exitTs !== null && lot.exitTs <= lastSale))
        continue;
      const sum = open.get(lot.key) ?? { qty: 0, cost: 0 };
      open.set(lot.key, { qty: sum.qty + lot.qty, cost: sum.cost + lot.cost });
    }
    for (const [key, { qty, cost }] of open) {
      const mark = input.markAt(key, lastSale);
      if (mark === null || qty <= 0) continue;
      const averageCost = cost / qty;
      if (mark > averageCost) pg++;
      else if (mark < averageCost) pl++;
    }
  }
  const pgr = share(rg, pg);
  const plr = share(rl, pl);
  return {
    pgr,
    plr,
    difference: pgr === null || plr === null ? null : pgr - plr,
    realisedGains: rg,
    realisedLosses: rl,
    paperGains: pg,
    paperLosses: pl,
    saleDays: days.size,
  };
}
