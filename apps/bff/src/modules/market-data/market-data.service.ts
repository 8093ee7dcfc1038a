import { AppError, type MlCandle, type Candle } from '@tt/shared';
import type { VendorMetrics } from '../../observability/metrics';
import type { Database } from '@tt/db';
import { extendCoverage, getCoverage, insertCandles, loadCandles } from './candles.repository';

const HOUR = 3_600_000;

export const floorHour = (d: Date) => new Date(Math.floor(d.getTime() / HOUR) * HOUR);

/** Open time of the newest candle that has closed by `now`. */
export const lastClosedHour = (now: Date) => new Date(floorHour(now).getTime() - HOUR);

export type CandleFetcher = (since: Date, until: Date) => Promise<Candle[]>;

/** Hourly candles of a base/quote pair from a market-data vendor (the adapters' Twelve Data source). */
export interface VendorCandles {
  readonly name: string;
  fetchHourly(input: { base: string; quote: string; since: Date; until: Date }): Promise<Candle[]>;
}

export interface MarketDataService {
  /**
   * Makes sure every closed hourly candle of [from, to] is stored, fetching only hours never
   * fetched before (closed candles never change), and records the hours the source had none for.
   * `brokerFetch` is the broker's own candles (null without a connection); the vendor, when
   * configured, stands in for a series the broker does not serve.
   */
  ensureHourly(
    source: string,
    symbol: string,
    from: Date,
    to: Date,
    brokerFetch: CandleFetcher | null,
  ): Promise<void>;
  /** Stored candles as numbers for the indicator kernels. */
  series(source: string, symbol: string, from: Date, to: Date): Promise<MlCandle[]>;
}

export interface MarketDataDeps {
  db: Database;
  vendor?: VendorCandles;
  logger?: { warn(fields: object, message: string): void };
  metrics?: VendorMetrics;
  now?: () => Date;
}

type Provider = 'broker' | 'vendor';
/** Hours [from, to] of one stored series. */
interface SeriesRange {
  source: string;
  symbol: string;
  from: Date;
  to: Date;
}
const isCode = (error: unknown, code: string) => error instanceof AppError && error.code === code;

export function createMarketDataService(deps: MarketDataDeps): MarketDataService {
  const now = deps.now ?? (() => new Date());
  const { vendor } = deps;

  /** The vendor's candles of a `BASE-QUOTE` symbol, if a vendor is configured. */
  const vendorFor = (symbol: string): { name: string; fetch: CandleFetcher } | null => {
    const [base, quote, ...rest] = symbol.split('-');
    if (!vendor || !base || !quote || rest.length > 0) return null;
    return { name: vendor.name, fetch: (since, until) => vendor.fetchHourly({ base, quote, since, until }) };
  };

  async function store(range: SeriesRange, got: Candle[], provider: Provider) {
    const { source, symbol, from, to } = range;
    await insertCandles(deps.db, source, symbol, got);
    const present = new Set(got.map((c) => Date.parse(c.ts)));
    const gaps: string[] = [];
    for (let t = from.getTime(); t <= to.getTime(); t += HOUR) {
      if (!present.has(t)) gaps.push(new Date(t).toISOString());
    }
    await extendCoverage(deps.db, { ...range, gapHours: gaps, provider });
  }

  /** From the vendor; a vendor that does not list the pair leaves the range recorded as a gap. */
  async function fromVendor(
    range: SeriesRange,
    { name: vendorName, fetch }: { name: string; fetch: CandleFetcher },
  ) {
    const { source, symbol, from, to } = range;
    const started = performance.now();
    const observe = (outcome: 'ok' | 'unknown_symbol' | 'error') =>
      deps.metrics?.observe(vendorName, outcome, (performance.now() - started) / 1000);
    let got: Candle[];
    try {
      got = await fetch(from, to);
      observe('ok');
    } catch (error) {
      if (isCode(error, 'MARKET_DATA.UNKNOWN_SYMBOL')) {
        observe('unknown_symbol');
        await store(range, [], 'vendor');
        return;
      }
      observe('error');
      // Market context is an extra: the import goes on without it and the next one asks again.
      deps.logger?.warn(
        { source, symbol, vendor: vendorName, err: error instanceof AppError ? error.code : String(error) },
        'vendor candles unavailable',
      );
      return;
    }
    await store(range, got, 'vendor');
  }

  async function fetchRange(range: SeriesRange, brokerFetch: CandleFetcher | null, provider?: Provider) {
    if (range.from > range.to) return;
    const fallback = vendorFor(range.symbol);
    if (brokerFetch && provider !== 'vendor') {
      try {
        await store(range, await brokerFetch(range.from, range.to), 'broker');
        return;
      } catch (error) {
        if (!fallback || !isCode(error, 'BROKER.UNKNOWN_SYMBOL')) throw error;
      }
    }
    if (fallback) await fromVendor(range, fallback);
  }

  return {
    async ensureHourly(source, symbol, from, to, brokerFetch) {
      const start = floorHour(from);
      const end = new Date(Math.min(floorHour(to).getTime(), lastClosedHour(now()).getTime()));
      if (start > end) return;
      const coverage = await getCoverage(deps.db, source, symbol);
      if (!coverage) {
        await fetchRange({ source, symbol, from: start, to: end }, brokerFetch);
        return;
      }
      // Extending from the covered edge also fills any hole between a disjoint request and it.
      if (start < coverage.coveredFrom) {
        const before = new Date(coverage.coveredFrom.getTime() - HOUR);
        await fetchRange({ source, symbol, from: start, to: before }, brokerFetch, coverage.provider);
      }
      if (end > coverage.coveredTo) {
        const after = new Date(coverage.coveredTo.getTime() + HOUR);
        await fetchRange({ source, symbol, from: after, to: end }, brokerFetch, coverage.provider);
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
