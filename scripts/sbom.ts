// `npm run sbom`: a CycloneDX SBOM of the production dependency tree, made offline by npm's own
// `npm sbom` from the installed tree, written to dist/sbom/ (git-ignored) and checked for shape.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const out = fileURLToPath(new URL('../dist/sbom/trading-twin.cdx.json', import.meta.url));
const run = spawnSync('npm', ['sbom', '--sbom-format', 'cyclonedx', '--omit=dev'], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
if (run.status !== 0) {
  console.error(`npm sbom failed:\n${run.stderr}`);
  process.exit(1);
}
const bom = JSON.parse(run.stdout) as { bomFormat?: string; specVersion?: string; components?: unknown[] };
if (bom.bomFormat !== 'CycloneDX' || !Array.isArray(bom.components) || bom.components.length === 0) {
  console.error('npm sbom did not produce a CycloneDX document with components');
  process.exit(1);
}
mkdirSync(fileURLToPath(new URL('../dist/sbom/', import.meta.url)), { recursive: true });
writeFileSync(out, run.stdout);
console.log(`SBOM: CycloneDX ${bom.specVersion}, ${bom.components.length} components → ${out}`);
