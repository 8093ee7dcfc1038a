// `npm run licenses`: every production dependency in package-lock.json must carry an allowed
// licence (scripts/licenses.policy.ts). Reads the lockfile, so it needs no network.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { licenseAllowed, productionLicenses } from './licenses.policy';

const lockPath = fileURLToPath(new URL('../package-lock.json', import.meta.url));
const packages = productionLicenses(JSON.parse(readFileSync(lockPath, 'utf8')));
const refused = packages.filter((p) => !licenseAllowed(p.license));
if (refused.length > 0) {
  console.error(
    `Licences outside the allow-list in production dependencies:\n  ${refused
      .map((p) => `${p.name}@${p.version}: ${p.license}`)
      .join('\n  ')}`,
  );
  process.exit(1);
}
const byLicense = new Map<string, number>();
for (const p of packages) byLicense.set(p.license, (byLicense.get(p.license) ?? 0) + 1);
console.log(
  `Licences: ${packages.length} production packages, all allowed (${[...byLicense]
    .sort((a, b) => b[1] - a[1])
    .map(([license, n]) => `${license} ${n}`)
    .join(', ')})`,
);
