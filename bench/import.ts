/**
 * Time from `POST /api/trades/import` to the last tag stored, for the sandbox's `bench` (1,000
 * fills) and `scale` (100,000 fills) accounts, on the embedded drivers (PGlite, in-process jobs)
 * and the scaled ones (PostgreSQL, BullMQ on Redis). Also `GET /api/trades` latency under load
 * with the 100,000 trades stored. Prints one JSON object; writes bench/results/import.json.
 *
 *   npx tsx bench/import.ts              IMPORT_BENCH_ACCOUNTS=bench,scale  IMPORT_BENCH_MODES=embedded,scaled
 */
import { startSandbox } from '@tt/broker-sandbox';
import { createTestApp, type TestApp } from '../apps/bff/src/test-support/test-app';
import { createTempDatabase, type TempDatabase } from '../apps/bff/src/test-support/temp-database';
import { signUpAndLogIn, type TestClient } from '../apps/bff/src/modules/auth/auth.test-support';
import {
  connectSandboxCoinbase,
  importAndWait,
  sandboxEnv,
} from '../apps/bff/src/test-support/sandbox-broker';
import { percentile, round, writeReport } from './lib/report';

const accounts = (process.env.IMPORT_BENCH_ACCOUNTS ?? 'bench,scale').split(',') as ('bench' | 'scale')[];
const modes = (process.env.IMPORT_BENCH_MODES ?? 'embedded,scaled').split(',');

async function listLatency(t: TestApp, client: TestClient, rps: number, seconds: number) {
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const latencies: number[] = [];
  let errors = 0;
  const total = rps * seconds;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rps;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      (async () => {
        const t0 = performance.now();
        try {
          const res = await fetch(`${address}/api/trades?limit=100`, { headers: { cookie } });
          await res.arrayBuffer();
          if (res.status !== 200) errors++;
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      })(),
    );
  }
  await Promise.all(inflight);
  return {
    rps,
    seconds,
    requests: total,
    errors,
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
  };
}

async function run(mode: string, account: 'bench' | 'scale', sandboxUrl: string) {
  let db: TempDatabase | undefined;
  const env = sandboxEnv({ url: sandboxUrl }, { BINANCE_ENABLED: '0' });
  if (mode === 'scaled') {
    db = await createTempDatabase('tt_bench');
    Object.assign(env, {
      DATABASE_URL: db.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    });
  }
  const t = await createTestApp({ env, persistentDatabase: true });
  try {
    const { client } = await signUpAndLogIn(t.app);
    await connectSandboxCoinbase(client, account);
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const result = await importAndWait(client, 600_000);
    const seconds = (performance.now() - t0) / 1000;
    const out: Record<string, unknown> = {
      mode,
      account,
      status: result.status,
      fills: result.inserted,
      scored: result.scored,
      seconds: round(seconds, 2),
      fillsPerSecond: round(Number(result.inserted) / seconds, 0),
      heapGrowthMb: round((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20),
      rssMb: round(process.memoryUsage().rss / 2 ** 20),
    };
    if (account === 'scale')
      out.listTrades = await listLatency(t, client, 500, Number(process.env.IMPORT_BENCH_LIST_SECONDS ?? 10));
    return out;
  } finally {
    await t.close();
    await db?.drop();
  }
}

const sandbox = await startSandbox({ port: 0 });
const runs = [];
for (const mode of modes) for (const account of accounts) runs.push(await run(mode, account, sandbox.url));
await sandbox.close();
writeReport('import', {
  benchmark: 'import',
  targets: { bench1kSeconds: 3, scale100kSeconds: 60, listTradesP95Ms: 25, blueprintSloSeconds: 60 },
  runs,
});
process.exit(0);
