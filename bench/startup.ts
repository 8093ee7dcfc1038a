/**
 * Time from `node scripts/start.mjs` (what `npm start` runs, without npm's own start-up) to
 * `/readyz` answering 200. First start as on a fresh clone: neither the web app nor the server
 * bundle built yet, a new data dir (database created and migrated, keys generated). Then restarts
 * on the same data dir. Prints one JSON object; writes bench/results/startup.json.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { round, writeReport } from './lib/report';
import { freePort } from '../apps/bff/src/test-support/free-port';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function startToReady(dataDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs')], {
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

for (const built of ['apps/web/dist', 'apps/bff/dist'])
  rmSync(join(ROOT, built), { recursive: true, force: true });
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
