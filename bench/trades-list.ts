/**
 * `GET /api/trades` under load with 100,000 trades stored (seeded straight into PostgreSQL): a BFF
 * process (`--role=bff`, scaled drivers) answers a fixed request rate from this process, paging the
 * newest trades as the trades page does. Reports p50/p95/p99 and errors. Prints one JSON object;
 * writes bench/results/trades-list.json.
 *
 *   npx tsx bench/trades-list.ts     LIST_BENCH_SECONDS=10  LIST_BENCH_RPS=500,200
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { openDatabase } from '@tt/db';
import { createTempDatabase } from '../apps/bff/src/test-support/temp-database';
import { createHttpClient, signUpWith } from '../apps/bff/src/test-support/http-client';
import { percentile, round, writeReport } from './lib/report';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const seconds = Number(process.env.LIST_BENCH_SECONDS ?? 10);
const rates = (process.env.LIST_BENCH_RPS ?? '500,200').split(',').map(Number);
const TRADES = 100_000;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

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

async function load(base: string, cookie: string, rps: number) {
  const latencies: number[] = [];
  let errors = 0;
  const total = rps * seconds;
  const begin = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = begin + (i * 1000) / rps - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      (async () => {
        const t0 = performance.now();
        try {
          const res = await fetch(`${base}/api/trades?limit=100`, { headers: { cookie } });
          await res.arrayBuffer();
          if (res.status === 200) latencies.push(performance.now() - t0);
          else errors++;
        } catch {
          errors++;
        }
      })(),
    );
  }
  await Promise.all(inflight);
  return {
    targetRps: rps,
    seconds,
    requests: total,
    errors,
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

const db = await createTempDatabase('tt_list');
const port = await freePort();
const server = spawn(process.execPath, ['--import', 'tsx', `${ROOT}apps/bff/src/main.ts`, '--role=bff'], {
  cwd: ROOT,
  env: {
    ...process.env,
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `tt-bench-${port}`,
    PORT: String(port),
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    PUBLIC_ORIGIN: 'http://127.0.0.1:3000',
    RATE_LIMIT_PER_MINUTE: '1000000',
  },
  stdio: 'ignore',
});
try {
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (
      await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 600) throw new Error('BFF not ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  const client = createHttpClient(base);
  const { userId } = await signUpWith(client);
  const seeded = performance.now();
  await seed(db.url, userId);
  const seedSeconds = round((performance.now() - seeded) / 1000, 1);
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  await load(base, cookie, 50);
  const runs = [];
  for (const rps of rates) runs.push(await load(base, cookie, rps));
  writeReport('trades-list', {
    benchmark: 'trades-list',
    setup: 'one BFF process (--role=bff) on PostgreSQL + Redis; load from a second process; 2 cores in all',
    target: { rps: 500, p95Ms: 25 },
    trades: TRADES,
    seedSeconds,
    pageSize: 100,
    runs,
  });
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  await db.drop();
}
process.exit(0);
