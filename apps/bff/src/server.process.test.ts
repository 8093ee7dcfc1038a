import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './test-support/free-port';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = join(ROOT, 'apps/bff/src/main.ts');
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitReady(port: number, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.status === 200) return (await res.json()) as Record<string, unknown>;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('not ready in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the process', () => {
  it('exits non-zero and names the variable when the config is bad', async () => {
    const proc = start({ PORT: 'abc' });
    expect(await proc.exited).not.toBe(0);
    expect(proc.output()).toMatch(/PORT/);
  });

  it('starts on embedded defaults, keeps data under DATA_DIR, stops on SIGTERM and starts again after kill -9', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tt-proc-'));
    dirs.push(dataDir);
    const env = { DATA_DIR: dataDir, PORT: String(await freePort()), METRICS_PORT: String(await freePort()) };
    const first = start(env);
    const ready = await waitReady(Number(env.PORT));
    expect(ready).toMatchObject({
      status: 'ok',
      checks: { database: { driver: 'pglite' }, queue: { driver: 'embedded' } },
    });
    expect(existsSync(join(dataDir, 'pg'))).toBe(true);
    expect(existsSync(join(dataDir, 'keys', 'master.key'))).toBe(true);
    const metrics = await fetch(`http://127.0.0.1:${env.METRICS_PORT}/metrics`);
    expect(await metrics.text()).toContain('http_request_duration_seconds');

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = start(env);
    await waitReady(Number(env.PORT));
    second.child.kill('SIGKILL');
    await second.exited;

    const third = start(env);
    await waitReady(Number(env.PORT));
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  }, 180_000);
});
