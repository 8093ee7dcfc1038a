// Bundles the server (our workspace TypeScript) into one ES module for `npm start`, so that a
// start loads one file instead of transforming a few hundred through tsx: restarts are ready
// sooner. Dependencies stay in node_modules (native addons and PGlite's wasm resolve their own
// files). Rebuilt only when a source is newer than the bundle.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const SERVER_BUNDLE = join(root, 'apps/bff/dist/main.mjs');
const SOURCE_DIRS = ['apps/bff/src', 'db/src', 'services/ml/src', 'packages'].map((d) => join(root, d));

/** The newest modification time under a path, build output and installed packages aside. */
export function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

export function serverBundleIsStale() {
  if (!existsSync(SERVER_BUNDLE)) return true;
  const sources = Math.max(
    ...SOURCE_DIRS.map(newestMtime),
    statSync(join(root, 'package-lock.json')).mtimeMs,
  );
  return sources > statSync(SERVER_BUNDLE).mtimeMs;
}

/**
 * Workspace packages (`@tt/*`, TypeScript sources) are bundled; every other bare import stays an
 * import from node_modules. `import.meta.url` keeps meaning "this source file", so paths such as
 * the migrations folder and the web app's build resolve as they do under tsx.
 */
const workspaceOnly = {
  name: 'workspace-only',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@tt/') ? undefined : { path: args.path, external: true },
    );
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const fromBundle = relative(dirname(SERVER_BUNDLE), args.path);
      const fileUrl = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', fileUrl), loader: 'ts' };
    });
  },
};

export async function buildServer() {
  const { build } = await import('esbuild');
  await build({
    entryPoints: { main: join(root, 'apps/bff/src/main.ts') },
    outdir: dirname(SERVER_BUNDLE),
    outExtension: { '.js': '.mjs' },
    // Lazily imported drivers (BullMQ, S3, PostgreSQL) stay in chunks of their own, loaded only
    // when configured; chunks sit beside the entry, where `import.meta.url` rewriting expects them.
    splitting: true,
    chunkNames: '[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [workspaceOnly],
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer();
