import type { MlCandle, Candle } from '@tt/shared';
import type { Database } from '@tt/db';
import { extendCoverage, getCoverage, insertCandles, loadCandles } from './candles.repository';

const HOUR = 3_600_000;

export const floorHour = (d: Date) => new Date(Math.floor(d.getTime() / HOUR) * HOUR);

/** Open time of the newest candle that has closed by `now`. */
export const lastClosedHour = (now: Date) => new Date(floorHour(now).getTime() - HOUR);

export type CandleFetcher = (since: Date, until: Date) => Promise<Candle[]>;

export interface MarketDataService {
  /**
   * Makes sure every closed hourly candle of [from, to] is stored, fetching only hours never
   * fetched before (closed candles never change), and records the hours the source had none for.
   */
  ensureHourly(source: string, symbol: string, from: Date, to: Date, fetch: CandleFetcher): Promise<void>;
  /** Stored candles as numbers for the indicator kernels. */
  series(source: string, symbol: string, from: Date, to: Date): Promise<MlCandle[]>;
}

export function createMarketDataService(deps: { db: Database; now?: () => Date }): MarketDataService {
  const now = deps.now ?? (() => new Date());

  async function fetchRange(source: string, symbol: string, from: Date, to: Date, fetch: CandleFetcher) {
    if (from > to) return;
    const got = await fetch(from, to);
    await insertCandles(deps.db, source, symbol, got);
    const present = new Set(got.map((c) => Date.parse(c.ts)));
    const gaps: string[] = [];
    for (let t = from.getTime(); t <= to.getTime(); t += HOUR) {
      if (!present.has(t)) gaps.push(new Date(t).toISOString());
    }
    await extendCoverage(deps.db, source, symbol, from, to, gaps);
  }

  return {
    async ensureHourly(source, symbol, from, to, fetch) {
      const start = floorHour(from);
      const end = new Date(Math.min(floorHour(to).getTime(), lastClosedHour(now()).getTime()));
      if (start > end) return;
      const coverage = await getCoverage(deps.db, source, symbol);
      if (!coverage) {
        await fetchRange(source, symbol, start, end, fetch);
        return;
      }
      // Extending from the covered edge also fills any hole between a disjoint request and it.
      if (start < coverage.coveredFrom) {
        await fetchRange(source, symbol, start, new Date(coverage.coveredFrom.getTime() - HOUR), fetch);
      }
      if (end > coverage.coveredTo) {
        await fetchRange(source, symbol, new Date(coverage.coveredTo.getTime() + HOUR), end, fetch);
      }
    },
    async series(source, symbol, from, to) {
      const rows = await loadCandles(deps.db, source, symbol, from, to);
      return rows.map((r) => ({
        ts: r.ts.toISOString(),
        open: Number(r.open),
        high: Number(r.high),
        low: Number(r.low),
        close: Number(r.close),
        volume: Number(r.volume),
      }));
    },
  };
}
