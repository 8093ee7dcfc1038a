/**
 * Fills per second fetched through the adapters from the broker sandbox over real HTTP:
 * Coinbase for the `bench` (≈1,000 fills) and `scale` (≈100,000 fills) accounts, Binance for
 * `bench`. Prints one JSON object and writes it to bench/results/adapters.json.
 *
 *   npx tsx bench/adapters.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createAdapters, type FillPage } from '@tt/adapters';
import { startSandbox } from '@tt/broker-sandbox';
import {
  connectSandboxCoinbase,
  sandboxAdaptersConfig,
} from '../packages/adapters/src/test-support/sandbox-oauth';

interface RunFigures {
  fills: number;
  pages: number;
  skipped: number;
  wallMs: number;
  fillsPerSecond: number;
  peakHeapMb: number;
}

async function measure(pages: AsyncIterable<FillPage>): Promise<RunFigures> {
  let fills = 0;
  let count = 0;
  let skipped = 0;
  let peakHeap = process.memoryUsage().heapUsed;
  const started = performance.now();
  for await (const page of pages) {
    fills += page.fills.length;
    skipped += page.skipped;
    count += 1;
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  const wallMs = performance.now() - started;
  return {
    fills,
    pages: count,
    skipped,
    wallMs: Math.round(wallMs),
    fillsPerSecond: Math.round((fills / wallMs) * 1000),
    peakHeapMb: Math.round(peakHeap / 1024 / 1024),
  };
}

const sandbox = await startSandbox({ port: 0, seed: 1 });
try {
  const adapters = createAdapters(sandboxAdaptersConfig(sandbox.url));
  const until = new Date();
  const since = new Date(until.getTime() - 30 * 86_400_000);
  const results: Record<string, RunFigures> = {};

  const warmupMs: Record<string, number> = {};
  for (const account of ['bench', 'scale'] as const) {
    const tokens = await connectSandboxCoinbase(adapters, account);
    // The sandbox builds an account's 30 days of fills on its first request; time that apart so
    // the figures below are the adapter's fetch rate, not the sandbox's generator.
    const warm = performance.now();
    const probe = new URL('/api/v3/brokerage/orders/historical/fills?limit=1', sandbox.url);
    await (await fetch(probe, { headers: { authorization: `Bearer ${tokens.accessToken}` } })).text();
    warmupMs[`coinbase.${account}`] = Math.round(performance.now() - warm);
    results[`coinbase.${account}`] = await measure(
      adapters.coinbase.fetchFills({ credentials: { get: async () => tokens }, since, until }),
    );
  }

  const apiKey = 'bench-read-key';
  const apiSecret = 'sbx_sk_bench_read_key';
  const registered = await fetch(`${sandbox.url}/__sandbox/binance/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiKey, secret: apiSecret }),
  });
  if (registered.status >= 300) throw new Error(`key registration answered ${registered.status}`);
  await registered.text();
  const credentials = { get: async () => ({ apiKey, apiSecret }) };
  await adapters.binance!.verifyReadOnly(credentials);
  results['binance.bench'] = await measure(adapters.binance!.fetchFills({ credentials, since, until }));

  const report = {
    bench: 'adapters',
    at: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    window: { since: since.toISOString(), until: until.toISOString() },
    note: 'sandbox and adapters share one process; peakHeapMb includes the sandbox',
    sandboxWarmupMs: warmupMs,
    results,
  };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/adapters.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report));
} finally {
  await sandbox.close();
}
