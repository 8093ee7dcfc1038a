import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Section } from '../lib/report';
import type { AppUnderTest } from './app-under-test';
import { WEB_ROOT } from './app-under-test';
import { rawRequest } from './bodies';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const TARGETS = [
  'etc/passwd',
  'package.json',
  'apps/bff/src/app.ts',
  '.data/keys/master.key',
  'proc/self/environ',
];
const SHAPES = [
  (t: string) => `/..%2f..%2f..%2f..%2f..%2f..%2f${t}`,
  (t: string) => `/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/${t}`,
  (t: string) => `/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f${t.replaceAll('/', '%2f')}`,
  (t: string) => `/..%252f..%252f..%252f..%252f..%252f${t}`,
  (t: string) => `/assets/..%2f..%2f..%2f..%2f..%2f..%2f${t}`,
  (t: string) => `/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/${t}`,
  (t: string) => `/assets/..%5c..%5c..%5c..%5c..%5c${t.replaceAll('/', '%5c')}`,
  (t: string) => `/..\\..\\..\\..\\..\\${t.replaceAll('/', '\\')}`,
  (t: string) => `/....//....//....//....//....//${t}`,
  (t: string) => `/%c0%ae%c0%ae/%c0%ae%c0%ae/%c0%ae%c0%ae/%c0%ae%c0%ae/${t}`,
  (t: string) => `/..%c0%af..%c0%af..%c0%af..%c0%af${t}`,
  (t: string) => `//${t}`,
  (t: string) => `/%2f${t.replaceAll('/', '%2f')}`,
  (t: string) => `/favicon.svg/..%2f..%2f..%2f..%2f..%2f${t}`,
  (t: string) => `/index.html%00/../../../../../${t}`,
  (t: string) => `/assets/x%00.js/../../../../../../${t}`,
  (t: string) => `/../../../../../../${t}`,
  (t: string) => `/assets/../../../../../../${t}`,
];

/**
 * Encoded `..` in every spelling a server has been fooled by (percent, double percent, overlong
 * UTF-8, backslashes, NUL), sent as raw bytes so no client tidies the path first. Whatever the
 * answer, its body is either a problem or byte-for-byte a file of apps/web/dist: never a file from
 * anywhere else.
 */
export async function pathTraversal(section: Section, aut: AppUnderTest): Promise<void> {
  const served = new Set(filesUnder(WEB_ROOT).map((f) => readFileSync(f).toString('latin1')));
  const secrets = ['root:x:0:0', '"name": "trading-twin"', 'buildApp', 'PATH='];
  const byStatus: Record<string, number> = {};
  for (const target of TARGETS) {
    for (const shape of SHAPES) {
      const path = shape(target);
      const res = await rawRequest(
        aut.base,
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      );
      byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
      const problem = /content-type: application\/problem\+json/i.test(res.head);
      const fromDist = res.status === 200 && served.has(res.body);
      const leaked = secrets.filter((s) => res.body.includes(s));
      section.check(
        `GET ${path} → ${res.status}: a problem or a file of apps/web/dist`,
        leaked.length === 0 && (problem || fromDist) && res.status < 500,
        {
          status: res.status,
          leaked,
          body: fromDist || problem ? undefined : res.body.slice(0, 120),
        },
      );
    }
  }
  section.figure('requests', TARGETS.length * SHAPES.length);
  section.figure('byStatus', byStatus);
}
