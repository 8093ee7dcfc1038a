/**
 * Simulation latency (`SimulationsService.simulate`, what `POST /api/simulations/simple` runs
 * after auth and rate limiting) for a seeded user with about 1,000 fills over 30 days in three
 * symbols, on the embedded drivers (in-memory PGlite). Cold: every request has a new cache key
 * (another trade, horizon or pullback), so it reads lots and candles and computes; cached: the
 * same requests again, answered from the `simulations` table. Prints one JSON object; writes
 * bench/results/sim.json.
 *
 *   npx tsx bench/sim.ts            (SIM_BENCH_FILLS=1000, SIM_BENCH_TRADE_REQUESTS=200)
 */
import { BIAS_LABELS } from '@tt/shared';
import { createTestApp } from '../apps/bff/src/test-support/test-app';
import { signUpAndLogIn } from '../apps/bff/src/modules/auth/auth.test-support';
import {
  HOUR,
  seedCandles,
  seedFills,
  seedTags,
  type SeedFill,
} from '../apps/bff/src/modules/simulations/trading-seed.test-support';
import { SYNC_LOT_LIMIT } from '../apps/bff/src/modules/simulations';
import { percentile, round, writeReport } from './lib/report';

const FILLS = Number(process.env.SIM_BENCH_FILLS ?? 1000);
const TRADE_REQUESTS = Number(process.env.SIM_BENCH_TRADE_REQUESTS ?? 200);
const SYMBOLS = ['BTC-USD', 'ETH-USD', 'SOL-USD'];
const DAYS = 30;
/** Fills happen in the first 22 days, so 1-, 3- and 7-day horizons all have prices. */
const TRADING_DAYS = 22;
const START = Date.UTC(2026, 0, 5);

/** mulberry32: the same market and the same trader on every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function market(rand: () => number, base: number): number[] {
  const closes: number[] = [];
  let price = base;
  for (let i = 0; i < (DAYS + 2) * 24; i++) {
    price *= 1 + (rand() - 0.5) * 0.02;
    closes.push(Number(price.toFixed(2)));
  }
  return closes;
}

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const stats = (ms: number[]) => ({
  n: ms.length,
  p50Ms: round(percentile(ms, 50)),
  p95Ms: round(percentile(ms, 95)),
  maxMs: round(Math.max(...ms)),
});

async function main() {
  const rand = random(42);
  const t = await createTestApp({ worker: false });
  try {
    const { userId } = await signUpAndLogIn(t.app);
    const from = START - 2 * 24 * HOUR;
    const fills: SeedFill[] = [];
    for (const [s, symbol] of SYMBOLS.entries()) {
      const closes = market(rand, [40_000, 2_500, 150][s]!);
      await seedCandles(t, {
        symbol,
        fromMs: from,
        hours: closes.length,
        close: (open) => closes[(open - from) / HOUR]!,
      });
      // Round trips: buy, then sell the same quantity a few hours to a few days later.
      const perSymbol = Math.round(FILLS / SYMBOLS.length / 2);
      for (let i = 0; i < perSymbol; i++) {
        const buyAt = START + Math.floor(rand() * TRADING_DAYS * 24 * HOUR);
        const sellAt = buyAt + Math.floor((1 + rand() * 72) * HOUR);
        const price = (at: number) => closes[Math.floor((at - from) / HOUR) - 1]!;
        const qty = (0.01 + rand()).toFixed(4);
        const fee = (p: number) => (Number(qty) * p * 0.001).toFixed(8);
        fills.push({
          extId: `${symbol}-b${i}`,
          symbol,
          side: 'BUY',
          qty,
          price: price(buyAt).toFixed(2),
          fee: fee(price(buyAt)),
          at: buyAt,
        });
        fills.push({
          extId: `${symbol}-s${i}`,
          symbol,
          side: 'SELL',
          qty,
          price: price(sellAt).toFixed(2),
          fee: fee(price(sellAt)),
          at: sellAt,
        });
      }
    }
    const ids = await seedFills(t, userId, fills);
    await seedTags(
      t,
      userId,
      [...ids.values()].map((tradeId) => ({
        tradeId,
        label: BIAS_LABELS[Math.floor(rand() * BIAS_LABELS.length)]!,
      })),
    );

    const simulations = t.services.simulations;
    const buys = fills.filter((f) => f.side === 'BUY').map((f) => ids.get(f.extId)!);
    const tradeBodies = Array.from({ length: TRADE_REQUESTS }, (_, i) => ({
      tradeId: buys[i % buys.length]!,
      horizonDays: [1, 3, 7][i % 3]!,
    }));
    const symbolBodies = SYMBOLS.flatMap((symbol) =>
      [0.01, 0.02, 0.03, 0.05].map((pullbackPct) => ({ symbol, horizonDays: 3, pullbackPct })),
    );

    const run = async (bodies: object[]) => {
      const ms: number[] = [];
      for (const body of bodies) {
        ms.push(
          await timed(async () => {
            const answer = await simulations.simulate(userId, body);
            if (answer.status !== 200) throw new Error(`expected an inline answer, got ${answer.status}`);
          }),
        );
      }
      return ms;
    };
    // One warm-up request (module JIT, prepared statements), not counted.
    await simulations.simulate(userId, { tradeId: buys.at(-1)!, horizonDays: 2 });
    const tradeCold = await run(tradeBodies);
    const tradeCached = await run(tradeBodies);
    const symbolCold = await run(symbolBodies);
    const symbolCached = await run(symbolBodies);

    writeReport('sim', {
      benchmark: 'simulations',
      driver: 'embedded (in-memory PGlite)',
      node: process.version,
      user: {
        fills: fills.length,
        symbols: SYMBOLS.length,
        days: DAYS,
        positionsPerSymbol: fills.length / SYMBOLS.length / 2,
      },
      syncLotLimit: SYNC_LOT_LIMIT,
      trade: { cold: stats(tradeCold), cached: stats(tradeCached) },
      symbolWide: { cold: stats(symbolCold), cached: stats(symbolCached) },
    });
  } finally {
    await t.close();
  }
}

await main();
