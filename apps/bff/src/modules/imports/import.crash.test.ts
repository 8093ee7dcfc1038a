import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '@tt/broker-sandbox';
import { createHttpClient, signUpWith } from '../../test-support/http-client';
import { connectSandboxCoinbase, countSandboxSpotFills, sandboxEnv } from '../../test-support/sandbox-broker';
import { createTempDatabase } from '../../test-support/temp-database';
import { mutationHeaders, type TestClient } from '../auth/auth.test-support';
import { freePort } from '../../test-support/free-port';

const ROOT = fileURLToPath(new URL('../../../../..', import.meta.url));
const children: ChildProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function spawnRole(script: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, exited };
}

async function waitReady(port: number) {
  for (let i = 0; i < 900; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server not ready');
}

async function pollImport(
  client: TestClient,
  importId: string,
  until: (run: Record<string, unknown>) => boolean,
) {
  for (let i = 0; i < 1800; i++) {
    // The server may be the process that was just killed: keep asking until it is back.
    const run = await client
      .request({ method: 'GET', url: `/api/imports/${importId}` })
      .then((res) => res.json() as Record<string, unknown>)
      .catch(() => ({}) as Record<string, unknown>);
    if (until(run)) return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`import ${importId} did not get there`);
}

/**
 * Starts an import, kills the process doing the work with SIGKILL while the import runs (the
 * sandbox answers slowly so there is a "during"), restarts it, and checks the import completes
 * with every fill stored exactly once and tagged.
 */
async function crashMidImport(mode: 'embedded' | 'scaled') {
  const sandbox = await startSandbox({ port: 0 });
  cleanups.push(() => sandbox.close());
  const port = await freePort();
  const env: Record<string, string> = {
    ...sandboxEnv(sandbox, { BINANCE_ENABLED: '0' }),
    DATA_DIR: await mkdtemp(join(tmpdir(), 'tt-crash-')),
    PORT: String(port),
    METRICS_PORT: '0',
    PUBLIC_ORIGIN: 'http://127.0.0.1:3000',
    SYNC_INTERVAL_MINUTES: '0',
    JOB_LEASE_MS: '3000',
  };
  cleanups.push(() => rm(env.DATA_DIR!, { recursive: true, force: true }));
  if (mode === 'scaled') {
    const db = await createTempDatabase('tt_crash');
    cleanups.push(() => db.drop());
    Object.assign(env, {
      DATABASE_URL: db.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `tt-crash-${port}`,
    });
  }
  const startWorker = () =>
    mode === 'embedded'
      ? spawnRole('apps/bff/src/main.ts', [], env)
      : spawnRole('apps/bff/src/worker.ts', [], { ...env, METRICS_PORT: '0' });
  if (mode === 'scaled') spawnRole('apps/bff/src/main.ts', ['--role=bff'], env);
  let worker = startWorker();
  await waitReady(port);

  const client = createHttpClient(`http://127.0.0.1:${port}`);
  await signUpWith(client);
  await connectSandboxCoinbase(client, 'demo');
  sandbox.faults.add({ kind: 'slow', delayMs: 400, count: 30, pathPrefix: '/api/v3/brokerage' });
  const accepted = await client.request({
    method: 'POST',
    url: '/api/trades/import',
    headers: await mutationHeaders(client),
    payload: {},
  });
  expect(accepted.statusCode).toBe(202);
  const { importId } = accepted.json() as { importId: string };
  await pollImport(client, importId, (run) => run.status === 'running');

  worker.child.kill('SIGKILL');
  await worker.exited;
  worker = startWorker();
  const done = await pollImport(
    client,
    importId,
    (run) => run.status === 'succeeded' || run.status === 'failed',
  );
  expect(done.status).toBe('succeeded');

  const expected = await countSandboxSpotFills(sandbox.url, 'demo', new Date(String(done.since)));
  const stored: { id: string; labels: unknown[] }[] = [];
  let cursor: string | null = null;
  do {
    const page = (
      await client.request({
        method: 'GET',
        url: `/api/trades?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      })
    ).json() as { items: { id: string; labels: unknown[] }[]; nextCursor: string | null };
    stored.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  expect(stored.length).toBe(expected);
  expect(new Set(stored.map((t) => t.id)).size).toBe(expected);
  expect(stored.every((t) => t.labels.length >= 1)).toBe(true);
  worker.child.kill('SIGTERM');
  await worker.exited;
}

describe('an import survives kill -9', () => {
  it(
    'of the embedded process, completing with every fill once and tagged',
    () => crashMidImport('embedded'),
    240_000,
  );
  it(
    'of the scaled worker, completing with every fill once and tagged',
    () => crashMidImport('scaled'),
    240_000,
  );
});
