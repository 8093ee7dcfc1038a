/**
 * Time from `POST /api/trades/import` to the last tag stored, for the sandbox's `bench` (1,000
 * fills) and `scale` (100,000 fills) accounts, on the embedded drivers (PGlite, in-process jobs)
 * and the scaled ones (PostgreSQL, BullMQ on Redis). `GET /api/trades` under load is
 * bench/trades-list.ts (BFF processes of their own, as deployed). Prints one JSON object; writes
 * bench/results/import.json.
 *
 *   npx tsx bench/import.ts              IMPORT_BENCH_ACCOUNTS=bench,scale  IMPORT_BENCH_MODES=embedded,scaled
 */
import { startSandbox } from '@tt/broker-sandbox';
import { createTestApp } from '../apps/bff/src/test-support/test-app';
import { createTempDatabase, type TempDatabase } from '../apps/bff/src/test-support/temp-database';
import { signUpAndLogIn } from '../apps/bff/src/modules/auth/auth.test-support';
import {
  connectSandboxCoinbase,
  importAndWait,
  sandboxEnv,
} from '../apps/bff/src/test-support/sandbox-broker';
import { round, writeReport } from './lib/report';
import { retainedHeapSampler } from './lib/retained-heap';

const accounts = (process.env.IMPORT_BENCH_ACCOUNTS ?? 'bench,scale').split(',') as ('bench' | 'scale')[];
const modes = (process.env.IMPORT_BENCH_MODES ?? 'embedded,scaled').split(',');

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
    const heap = retainedHeapSampler();
    const t0 = performance.now();
    const result = await importAndWait(client, 600_000).finally(() => heap.stop());
    const seconds = (performance.now() - t0) / 1000;
    const out: Record<string, unknown> = {
      mode,
      account,
      status: result.status,
      fills: result.inserted,
      scored: result.scored,
      seconds: round(seconds, 2),
      fillsPerSecond: round(Number(result.inserted) / seconds, 0),
      retainedHeap: heap.figures(),
      rssMb: round(process.memoryUsage().rss / 2 ** 20),
    };
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
  targets: { bench1kSeconds: 3, scale100kSeconds: 60, blueprintSloSeconds: 60 },
  runs,
});
process.exit(0);
