// `npm start`: builds the web app and bundles the server when either is missing or older than its
// sources, then runs the whole product (BFF, worker and ML in one process) on the embedded drivers.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_BUNDLE, buildServer, newestMtime, serverBundleIsStale } from './build-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'apps/web');
const builtIndex = join(web, 'dist/index.html');

function webNeedsBuild() {
  if (!existsSync(builtIndex)) return true;
  const sources = Math.max(newestMtime(join(web, 'src')), statSync(join(web, 'index.html')).mtimeMs);
  return sources > statSync(builtIndex).mtimeMs;
}

if (webNeedsBuild()) {
  console.log('Building the web app (first start only)…');
  const build = spawnSync('npm', ['run', 'build', '-w', 'apps/web'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

if (serverBundleIsStale()) await buildServer();

const child = spawn(process.execPath, [SERVER_BUNDLE, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
