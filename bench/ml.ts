/*
 * ML service benchmark: `npx tsx bench/ml.ts`. Prints one JSON object and writes it to
 * bench/results/ml.json. Deterministic inputs (seeded), about 20–40 s on two cores.
 *
 * 1. Bias scoring: per-trade latency inside batches of 1,000 (target p95 ≤ 1 ms).
 * 2. Indicator throughput: RSI14, ATR14, BB20 and SMA50 over the same hourly series with our
 *    typed-array kernels, `technicalindicators` and `trading-signals`, in candles per second.
 * 3. `POST /v1/bias/score/batch` over real HTTP with HMAC signing: ms per request of 1,000 trades.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ATR as TiAtr, BollingerBands as TiBollinger, RSI as TiRsi, SMA as TiSma } from 'technicalindicators';
import { ATR as TsAtr, BollingerBands as TsBollinger, RSI as TsRsi, SMA as TsSma } from 'trading-signals';
import type { BiasScoreBatchItem, MlCandle } from '@tt/shared';
import {
  atrWilderSeries,
  bollingerPositionSeries,
  buildIndicatorTable,
  computeIndicatorsBatch,
  createHttpMlClient,
  createInProcessMlClient,
  createMemoryNonceStore,
  createMlApp,
  rsiWilderSeries,
  scoreBias,
  scoreBiasBatch,
  smaSeries,
  toCandleSeries,
} from '@tt/ml';

const HOUR = 3_600_000;
const SERIES_CANDLES = 100_000;
const BATCH_SIZE = 1_000;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const round = (value: number, digits = 4) => Number(value.toPrecision(digits));
const ms = (startNs: bigint) => Number(process.hrtime.bigint() - startNs) / 1e6;

function median(runs: number, fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(ms(start));
  }
  return quantile(times, 0.5);
}

function randomTrades(count: number, random: () => number): BiasScoreBatchItem[] {
  const maybe = (value: number) => (random() < 0.1 ? null : value);
  return Array.from({ length: count }, (_, i): BiasScoreBatchItem => {
    const side = random() < 0.5 ? 'BUY' : 'SELL';
    return {
      id: `trade-${i}`,
      side,
      features: {
        side,
        symbol: 'BTC-USD',
        RSI_14: maybe(random() * 100),
        ATR_rel: maybe(random() * 0.03),
        BB_pos: maybe(random() * 1.6 - 0.3),
        gap_from_MA: maybe(random() * 0.2 - 0.1),
        pct_change_1h_before: maybe(random() * 0.06 - 0.03),
        pct_change_24h_before: maybe(random() * 0.3 - 0.12),
        drawdown_recent: maybe(random() * 0.15),
        held_hours: side === 'SELL' ? maybe(random() * 48) : null,
        pnl_exit: side === 'SELL' ? maybe(random() * 0.2 - 0.1) : null,
        minutes_since_last_losing_exit: side === 'BUY' ? maybe(random() * 240) : null,
        size_vs_prev_entry: side === 'BUY' ? maybe(random() * 3) : null,
        trades_today: Math.floor(random() * 16),
        median_trades_per_day: 3,
        pct_above_support: side === 'BUY' ? maybe(random() * 0.1) : null,
      },
      rules:
        i % 4 === 0 ? [{ kind: 'fomo', params: { pct24h: 0.1, rsiMin: 72, bbPosMin: 0.85 } }] : undefined,
    };
  });
}

async function benchBiasScoring(trades: BiasScoreBatchItem[]) {
  const perTrade: number[] = [];
  for (let round = 0; round < 30; round++) {
    for (const trade of trades) {
      const start = process.hrtime.bigint();
      scoreBias(trade);
      perTrade.push(ms(start));
    }
  }
  const batchMs: number[] = [];
  for (let round = 0; round < 200; round++) {
    const start = process.hrtime.bigint();
    scoreBiasBatch({ items: trades });
    batchMs.push(ms(start));
  }
  const client = createInProcessMlClient();
  const validatedMs: number[] = [];
  for (let round = 0; round < 50; round++) {
    const start = process.hrtime.bigint();
    await client.scoreBiasBatch({ items: trades });
    validatedMs.push(ms(start));
  }
  const p95 = quantile(perTrade, 0.95);
  return {
    batchSize: trades.length,
    perTradeMs: {
      p50: round(quantile(perTrade, 0.5)),
      p95: round(p95),
      p99: round(quantile(perTrade, 0.99)),
    },
    batchMs: { p50: round(quantile(batchMs, 0.5)), p95: round(quantile(batchMs, 0.95)) },
    batchWithValidationMs: {
      p50: round(quantile(validatedMs, 0.5)),
      p95: round(quantile(validatedMs, 0.95)),
    },
    perTradeInBatchMsP95: round(quantile(batchMs, 0.95) / trades.length),
    targetPerTradeP95Ms: 1,
    meetsTarget: p95 <= 1,
  };
}

function randomSeries(count: number, random: () => number): MlCandle[] {
  let previous = 30_000;
  return Array.from({ length: count }, (_, i) => {
    const close = previous * (1 + (random() - 0.5) * 0.02);
    const candle = {
      ts: new Date(Date.UTC(2015, 0, 1) + i * HOUR).toISOString(),
      open: previous,
      high: Math.max(previous, close) * (1 + random() * 0.004),
      low: Math.min(previous, close) * (1 - random() * 0.004),
      close,
      volume: random() * 100,
    };
    previous = close;
    return candle;
  });
}

function maxAbsDiffTail(ours: Float64Array, theirs: (number | null)[], tail = 1_000): number {
  let worst = 0;
  for (let i = ours.length - tail; i < ours.length; i++)
    worst = Math.max(worst, Math.abs(ours[i]! - (theirs[i] ?? NaN)));
  return worst;
}

function benchIndicators(candles: MlCandle[]) {
  const n = candles.length;
  const high = Float64Array.from(candles, (c) => c.high);
  const low = Float64Array.from(candles, (c) => c.low);
  const close = Float64Array.from(candles, (c) => c.close);
  const highs = Array.from(high);
  const lows = Array.from(low);
  const closes = Array.from(close);
  const hlc = candles.map((c) => ({ high: c.high, low: c.low, close: c.close }));

  const ours = {
    RSI14: median(7, () => rsiWilderSeries(close, 14)),
    ATR14: median(7, () => atrWilderSeries(high, low, close, 14)),
    BB20: median(7, () => bollingerPositionSeries(close, 20, 2)),
    SMA50: median(7, () => smaSeries(close, 50)),
  };
  const ti = {
    RSI14: median(3, () => TiRsi.calculate({ values: closes, period: 14 })),
    ATR14: median(3, () => TiAtr.calculate({ high: highs, low: lows, close: closes, period: 14 })),
    BB20: median(3, () => TiBollinger.calculate({ values: closes, period: 20, stdDev: 2 })),
    SMA50: median(3, () => TiSma.calculate({ values: closes, period: 50 })),
  };
  const streamed = <T>(make: () => { add(input: T): unknown }, inputs: T[]) => {
    const indicator = make();
    return inputs.map((input) => indicator.add(input));
  };
  const ts = {
    RSI14: median(3, () => streamed(() => new TsRsi(14), closes)),
    ATR14: median(3, () => streamed(() => new TsAtr(14), hlc)),
    BB20: median(3, () => streamed(() => new TsBollinger(20, 2), closes)),
    SMA50: median(3, () => streamed(() => new TsSma(50), closes)),
  };
  const total = (times: Record<string, number>) => Object.values(times).reduce((a, b) => a + b, 0);
  const throughput = (times: Record<string, number>) => Math.round(n / (total(times) / 1000));
  const roundAll = (times: Record<string, number>) =>
    Object.fromEntries(Object.entries(times).map(([k, v]) => [k, round(v)]));

  const tsBands = streamed(() => new TsBollinger(20, 2), closes) as ({
    lower: number;
    upper: number;
  } | null)[];
  const agreement = {
    'trading-signals': {
      RSI14: maxAbsDiffTail(
        rsiWilderSeries(close),
        streamed(() => new TsRsi(14), closes) as (number | null)[],
      ),
      ATR14: maxAbsDiffTail(
        atrWilderSeries(high, low, close),
        streamed(() => new TsAtr(14), hlc) as (number | null)[],
      ),
      BB20: maxAbsDiffTail(
        bollingerPositionSeries(close),
        tsBands.map((b, i) => (b ? (closes[i]! - b.lower) / (b.upper - b.lower) : null)),
      ),
      SMA50: maxAbsDiffTail(smaSeries(close, 50), streamed(() => new TsSma(50), closes) as (number | null)[]),
    },
    technicalindicators: {
      RSI14: maxAbsDiffTail(rsiWilderSeries(close), [
        ...Array<null>(14).fill(null),
        ...TiRsi.calculate({ values: closes, period: 14 }),
      ]),
      SMA50: maxAbsDiffTail(smaSeries(close, 50), [
        ...Array<null>(49).fill(null),
        ...TiSma.calculate({ values: closes, period: 50 }),
      ]),
    },
  };

  const servicePathMs = median(3, () => buildIndicatorTable(toCandleSeries(candles)));
  const importSeries = candles.slice(0, 1_000);
  const entries = Array.from({ length: 1_000 }, (_, i) => ({
    id: `t${i}`,
    symbol: 'BTC-USD',
    entryTs: new Date(Date.UTC(2015, 0, 1) + (250 + (i % 750)) * HOUR + 1_800_000).toISOString(),
  }));
  const importBatchMs = median(7, () =>
    computeIndicatorsBatch({ series: { 'BTC-USD': importSeries }, entries }),
  );

  return {
    candles: n,
    indicators: ['RSI14', 'ATR14', 'BB20', 'SMA50'],
    candlesPerSecond: {
      ours: throughput(ours),
      technicalindicators: throughput(ti),
      'trading-signals': throughput(ts),
    },
    speedup: {
      vsTechnicalindicators: round(total(ti) / total(ours), 3),
      vsTradingSignals: round(total(ts) / total(ours), 3),
    },
    msPerIndicator: {
      ours: roundAll(ours),
      technicalindicators: roundAll(ti),
      'trading-signals': roundAll(ts),
    },
    fasterThanBoth: total(ours) < total(ti) && total(ours) < total(ts),
    maxAbsDiffLast1000: Object.fromEntries(
      Object.entries(agreement).map(([lib, diffs]) => [
        lib,
        Object.fromEntries(Object.entries(diffs).map(([k, v]) => [k, Number(v.toExponential(2))])),
      ]),
    ),
    servicePath: {
      note: 'ISO parse, sort/dedupe and all seven features for every candle',
      candlesPerSecond: Math.round(n / (servicePathMs / 1000)),
      batch1000EntriesOn1000CandlesMs: round(importBatchMs),
    },
  };
}

async function benchHttp(trades: BiasScoreBatchItem[]) {
  const secret = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
  const app = createMlApp({ hmacSecret: secret, nonceStore: createMemoryNonceStore() });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const client = createHttpMlClient({ baseUrl, hmacSecret: secret });
  const request = { items: trades };
  for (let i = 0; i < 10; i++) await client.scoreBiasBatch(request);
  const times: number[] = [];
  for (let i = 0; i < 80; i++) {
    const start = process.hrtime.bigint();
    await client.scoreBiasBatch(request);
    times.push(ms(start));
  }
  await app.close();
  return {
    itemsPerRequest: trades.length,
    requests: times.length,
    bodyBytes: Buffer.byteLength(JSON.stringify(request)),
    msPerRequest: { p50: round(quantile(times, 0.5)), p95: round(quantile(times, 0.95)) },
    auth: 'HMAC-SHA256 signed, in-memory nonce store',
  };
}

const startedAt = Date.now();
const trades = randomTrades(BATCH_SIZE, mulberry32(42));
const result = {
  benchmark: 'ml',
  at: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  biasScoring: await benchBiasScoring(trades),
  indicators: benchIndicators(randomSeries(SERIES_CANDLES, mulberry32(7))),
  httpBiasScoreBatch: await benchHttp(trades),
  durationSeconds: 0,
};
result.durationSeconds = round((Date.now() - startedAt) / 1000, 3);

const json = JSON.stringify(result, null, 2);
const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'ml.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${json}\n`);
console.log(json);
