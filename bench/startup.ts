/**
 * Time from starting the embedded process to `/readyz` answering 200: on a fresh data dir (first
 * start: database created and migrated, keys generated) and on a restart of the same data dir.
 * Prints one JSON object; writes bench/results/startup.json.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { round, writeReport } from './lib/report';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function startToReady(dataDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'apps/bff/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), METRICS_PORT: '0', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return (performance.now() - started) / 1000;
      if (performance.now() - started > 120_000) throw new Error('not ready within 120 s');
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'tt-startup-'));
try {
  const first = await startToReady(dataDir);
  const restarts: number[] = [];
  for (let i = 0; i < 3; i++) restarts.push(await startToReady(dataDir));
  writeReport('startup', {
    benchmark: 'startup',
    targets: { firstStartSeconds: 20, restartSeconds: 3 },
    firstStartSeconds: round(first, 2),
    restartSeconds: restarts.map((s) => round(s, 2)),
    restartBestSeconds: round(Math.min(...restarts), 2),
  });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
