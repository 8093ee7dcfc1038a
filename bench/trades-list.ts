/**
 * `GET /api/trades` under load with 100,000 trades stored (seeded straight into PostgreSQL): BFF
 * processes (`--role=bff`, scaled drivers, round robin as the edge sends) answer a fixed, open-loop
 * request rate from this process, paging the newest trades as the trades page does. Reports
 * p50/p95/p99 and errors. Prints one JSON object; writes bench/results/trades-list.json.
 *
 *   npx tsx bench/trades-list.ts     LIST_BENCH_SECONDS=10  LIST_BENCH_RPS=500,300  LIST_BENCH_BFFS=2
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { openDatabase } from '@tt/db';
import { createTempDatabase } from '../apps/bff/src/test-support/temp-database';
import { createHttpClient, signUpWith } from '../apps/bff/src/test-support/http-client';
import { runAtRate } from '../verify/reliability/load-http';
import { waitHealthy } from '../verify/lib/processes';
import { round, writeReport } from './lib/report';
import { freePort } from '../apps/bff/src/test-support/free-port';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const seconds = Number(process.env.LIST_BENCH_SECONDS ?? 10);
const rates = (process.env.LIST_BENCH_RPS ?? '500,300').split(',').map(Number);
const TRADES = 100_000;

async function seed(url: string, userId: string) {
  const handle = await openDatabase({ driver: 'postgres', url });
  await handle.db.execute(sql`
    insert into trades (user_id, broker, ext_id, symbol, side, qty, price, fee, fee_quote, ts, source)
    select ${userId}::uuid, 'coinbase', 'seed-' || g, (array['BTC-USD','ETH-USD','SOL-USD'])[1 + g % 3],
           case when g % 2 = 0 then 'BUY' else 'SELL' end, 0.01 + (g % 100) / 1000.0, 20000 + g % 5000, 0.5, 0.5,
           now() - (g || ' minutes')::interval, 'api'
    from generate_series(1, ${TRADES}) g`);
  await handle.db.execute(sql`
    insert into bias_tags (trade_id, user_id, label, confidence, reasons, features)
    select id, user_id, (array['FOMO','PANIC','NEUTRAL','DISCIPLINE'])[1 + abs(hashtext(id::text)) % 4], 0.7,
           '["seeded"]'::jsonb, '{"RSI_14": 55}'::jsonb
    from trades where user_id = ${userId}::uuid`);
  await handle.db.execute(sql`analyze`);
  await handle.close();
}

/**
 * `cached`: the same newest page again and again, as a trader's open trades page refetches it;
 * rendered once per data version, then served from the page cache. `uncached`: every request a
 * query of its own (an `until` bound that filters nothing), so each one renders from PostgreSQL.
 */
type Mix = 'cached' | 'uncached';
const FAR_FUTURE = Date.now() + 86_400_000;
let uncachedQueries = 0;

async function load(bases: string[], cookie: string, rps: number, mix: Mix) {
  const result = await runAtRate({
    bases,
    ratePerSecond: rps,
    durationSeconds: seconds,
    next: () => ({
      path:
        mix === 'cached'
          ? '/api/trades?limit=100'
          : `/api/trades?limit=100&until=${new Date(FAR_FUTURE - uncachedQueries++).toISOString()}`,
      cookie,
    }),
  });
  return {
    mix,
    targetRps: rps,
    achievedRps: result.achievedRps,
    seconds,
    requests: result.requests,
    errors: result.errors,
    p50Ms: result.latencyMs.p50,
    p95Ms: result.latencyMs.p95,
    p99Ms: result.latencyMs.p99,
  };
}

const db = await createTempDatabase('tt_list');
const bffCount = Number(process.env.LIST_BENCH_BFFS ?? 2);
const ports = await Promise.all(Array.from({ length: bffCount }, freePort));
const servers = ports.map((port) =>
  spawn(process.execPath, ['--import', 'tsx', `${ROOT}apps/bff/src/main.ts`, '--role=bff'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `tt-bench-${ports[0]}`,
      PORT: String(port),
      METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
      PUBLIC_ORIGIN: 'http://127.0.0.1:3000',
      RATE_LIMIT_PER_MINUTE: '1000000',
    },
    stdio: 'ignore',
  }),
);
try {
  const bases = ports.map((port) => `http://127.0.0.1:${port}`);
  for (const base of bases) await waitHealthy(base, '/readyz');
  const base = bases[0]!;
  const client = createHttpClient(base);
  const { userId } = await signUpWith(client);
  const seeded = performance.now();
  await seed(db.url, userId);
  const seedSeconds = round((performance.now() - seeded) / 1000, 1);
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  await load(bases, cookie, 50, 'uncached');
  const runs = [];
  for (const mix of ['cached', 'uncached'] as const)
    for (const rps of rates) runs.push(await load(bases, cookie, rps, mix));
  writeReport('trades-list', {
    benchmark: 'trades-list',
    setup: `${bffCount} BFF processes (--role=bff, round robin as the edge sends) on PostgreSQL + Redis; load from another process; 2 cores in all`,
    target: { rps: 500, p95Ms: 25 },
    trades: TRADES,
    seedSeconds,
    pageSize: 100,
    runs,
  });
} finally {
  for (const server of servers) server.kill('SIGTERM');
  await Promise.all(servers.map((server) => new Promise((r) => server.on('exit', r))));
  await db.drop();
}
process.exit(0);
