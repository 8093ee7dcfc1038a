import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { licenseAllowed, productionLicenses } from './licenses.policy';

describe('licenseAllowed', () => {
  it('accepts allowed licences and SPDX expressions whose chosen side is allowed', () => {
    for (const ok of [
      'MIT',
      'Apache-2.0',
      '(MIT OR GPL-3.0)',
      'MIT AND ISC',
      '(BSD-2-Clause OR MIT OR Apache-2.0)',
      'Apache-2.0 WITH LLVM-exception',
    ])
      expect(licenseAllowed(ok), ok).toBe(true);
  });

  it('refuses copyleft, unknown and malformed licences', () => {
    for (const bad of [
      'GPL-3.0',
      'AGPL-3.0-only',
      'MPL-2.0',
      'MIT AND GPL-2.0',
      'UNKNOWN',
      'SEE LICENSE IN LICENSE',
      '(MIT',
      '',
    ])
      expect(licenseAllowed(bad), bad).toBe(false);
  });
});

describe('productionLicenses', () => {
  it('lists third-party production packages only, never dev tools or our workspaces', () => {
    const found = productionLicenses({
      packages: {
        '': {},
        'apps/bff': {},
        'node_modules/@tt/bff': { link: true },
        'node_modules/fastify': { version: '5.0.0', license: 'MIT' },
        'node_modules/vitest': { version: '4.0.0', license: 'MIT', dev: true },
        'node_modules/a/node_modules/b': { version: '1.0.0', license: { type: 'GPL' } },
      },
    });
    expect(found).toEqual([
      { name: 'fastify', version: '5.0.0', license: 'MIT' },
      { name: 'b', version: '1.0.0', license: 'UNKNOWN' },
    ]);
  });

  it('finds every production dependency of this repository under the allow-list', () => {
    const lock = JSON.parse(
      readFileSync(fileURLToPath(new URL('../package-lock.json', import.meta.url)), 'utf8'),
    );
    const packages = productionLicenses(lock);
    expect(packages.length).toBeGreaterThan(100);
    expect(packages.filter((p) => !licenseAllowed(p.license))).toEqual([]);
  });
});
