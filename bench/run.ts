/**
 * `npm run bench`: runs every benchmark in this folder one after another (each prints one JSON
 * object and writes bench/results/<name>.json), then prints a summary of which ran and how long.
 *
 *   npm run bench               every benchmark
 *   npm run bench -- ml jobs    only these
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeReport } from './lib/report';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.test.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((name) => wanted.length === 0 || wanted.includes(name));

const summary: { name: string; ok: boolean; seconds: number }[] = [];
for (const name of benches) {
  const started = performance.now();
  console.error(`\n▶ bench/${name}.ts`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${name}.ts`], {
    stdio: 'inherit',
    cwd: `${dir}..`,
  });
  summary.push({ name, ok: run.status === 0, seconds: Math.round((performance.now() - started) / 100) / 10 });
}
writeReport('summary', { ranAt: new Date().toISOString(), benches: summary });
process.exit(summary.every((s) => s.ok) ? 0 : 1);
