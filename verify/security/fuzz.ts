import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { TEST_ORIGIN } from '../../apps/bff/src/modules/auth/auth.test-support';
import type { Section } from '../lib/report';
import type { AppUnderTest } from './app-under-test';
import { nextIp } from './fixtures';
import { isExternal } from './route-catalogue';
import { routeKey, type RegisteredRoute } from './route-inventory';
import { sessionPool, type PooledSession } from './session-pool';

/** What every answer of ours must be: never a 5xx, and every error an RFC 9457 problem. */
export function problemViolation(res: LightMyRequestResponse, external: boolean): string | null {
  if (res.statusCode >= 500) return `status ${res.statusCode}`;
  if (external || res.statusCode < 400) return null;
  const type = String(res.headers['content-type'] ?? '');
  if (!type.startsWith('application/problem+json'))
    return `error ${res.statusCode} as ${type || 'no content type'}`;
  try {
    const problem = JSON.parse(res.body) as { type?: unknown; title?: unknown; status?: unknown };
    if (
      typeof problem.type !== 'string' ||
      typeof problem.title !== 'string' ||
      problem.status !== res.statusCode
    )
      return `problem without type/title/status: ${res.body.slice(0, 120)}`;
  } catch {
    return `problem body is not JSON: ${res.body.slice(0, 120)}`;
  }
  return null;
}

const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 60,
});
const nasty = fc.constantFrom(
  '',
  ' ',
  '%',
  '%00',
  '..',
  '../../etc/passwd',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '\u0000',
  '\uFFFF',
  '🙂',
  'null',
  'undefined',
  '-1',
  '1e309',
  '9'.repeat(400),
  '__proto__',
  'constructor',
  '{"$ne":null}',
  'a'.repeat(5000),
);
const value = fc.oneof(text, nasty, fc.integer().map(String));
const segment = fc.oneof(value, fc.uuid()).map((v) => encodeURIComponent(v) || 'x');
const query = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      'limit',
      'cursor',
      'since',
      'until',
      'symbol',
      'side',
      'label',
      'status',
      'broker',
      'from',
      'to',
      'lastEventId',
      'code',
      'state',
      'error',
      '__proto__',
      'a[b]',
    ),
    printable,
  ),
  fc.oneof(value, fc.array(value, { maxLength: 3 })),
  { maxKeys: 5 },
);
const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(
    fc.constantFrom(
      'email',
      'password',
      'kind',
      'params',
      'tradeId',
      'symbol',
      'horizonDays',
      'since',
      'timeZone',
      'tone',
      'apiKey',
      'apiSecret',
      'currentPassword',
      'newPassword',
      'to',
      'active',
      '__proto__',
      'constructor',
    ),
    fc.jsonValue({ maxDepth: 3 }),
    { maxKeys: 6 },
  ),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/xml',
  'application/octet-stream',
  'application/json; charset=latin1',
  'garbage/type',
);
const headerName = fc.constantFrom(
  'accept',
  'accept-language',
  'idempotency-key',
  'x-request-id',
  'if-none-match',
  'range',
  'x-forwarded-for',
  'x-forwarded-proto',
  'user-agent',
  'referer',
  'x-http-method-override',
  'upgrade',
  'sec-fetch-site',
  'authorization',
);
const headers = fc.dictionary(headerName, printable, { maxKeys: 4 });

interface FuzzCase {
  path: string;
  query: Record<string, string | string[]>;
  body: unknown;
  rawBody: string | undefined;
  contentType: string;
  headers: Record<string, string>;
  withCsrf: boolean;
  asUser: boolean;
}

function caseFor(route: RegisteredRoute) {
  const params = route.url.split('/').filter((s) => s.startsWith(':') || s === '*');
  return fc.record({
    path: fc.tuple(...params.map(() => segment)).map((values) => {
      let i = 0;
      return route.url.replace(/:[A-Za-z_]+|\*/g, () => values[i++] ?? 'x');
    }),
    query,
    body: jsonBody,
    rawBody: fc.option(fc.oneof(text, nasty, printable), { nil: undefined }),
    contentType,
    headers,
    withCsrf: fc.integer({ min: 0, max: 9 }).map((n) => n < 8),
    asUser: fc.boolean(),
  });
}

function toRequest(route: RegisteredRoute, c: FuzzCase, session: PooledSession | undefined): InjectOptions {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(c.query))
    for (const one of Array.isArray(v) ? v : [v]) qs.append(k, one);
  const url = `${c.path}${qs.size > 0 ? `?${qs.toString()}` : ''}`;
  const mutating = route.method !== 'GET';
  const cookies = [
    session ? `__Host-tt_session=${session.token}` : '',
    c.withCsrf && session ? `__Host-tt_csrf=${session.csrf}` : '',
  ].filter(Boolean);
  return {
    method: route.method as InjectOptions['method'],
    url,
    remoteAddress: nextIp(),
    headers: {
      ...c.headers,
      ...(cookies.length > 0 ? { cookie: cookies.join('; ') } : {}),
      ...(c.withCsrf && session ? { 'x-csrf-token': session.csrf, origin: TEST_ORIGIN } : {}),
      ...(mutating ? { 'content-type': c.contentType } : {}),
    },
    ...(mutating ? { payload: c.rawBody ?? JSON.stringify(c.body) } : {}),
  };
}

/**
 * fast-check over every route: random path parameters, query strings, JSON and non-JSON bodies
 * under assorted content types, and headers, as a signed-in user (with and without a CSRF token)
 * or anonymously. The property: no 5xx, and every error is problem+json. A failure is shrunk to
 * its smallest form and reported with the seed that reproduces it.
 */
export async function fuzzEveryRoute(
  section: Section,
  aut: AppUnderTest,
  routes: RegisteredRoute[],
  numRuns: number,
): Promise<void> {
  const pool = await sessionPool(aut, 20);
  const seed = Number(process.env.VERIFY_FUZZ_SEED ?? Date.now() % 2 ** 31);
  let requests = 0;
  for (const route of routes) {
    const external = isExternal(route.url);
    const fresh =
      route.url === '/api/auth/logout' ||
      route.url.startsWith('/api/auth/sessions/') ||
      route.url === '/api/me';
    const result = await fc.check(
      fc.asyncProperty(caseFor(route), async (c) => {
        const session = c.asUser ? (fresh ? await pool.fresh() : pool.next()) : undefined;
        const res = await aut.app.inject(toRequest(route, c, session));
        requests++;
        const violation = problemViolation(res, external);
        if (violation) throw new Error(violation);
      }),
      { numRuns, seed },
    );
    section.check(
      `${routeKey(route)}: no 5xx, every error a problem (${numRuns} random requests)`,
      !result.failed,
      result.failed
        ? {
            seed: result.seed,
            path: result.counterexamplePath,
            counterexample: JSON.stringify(result.counterexample)?.slice(0, 800),
            error: String(result.errorInstance).slice(0, 300),
          }
        : undefined,
    );
  }
  section.figure('requests', requests);
  section.figure('seed', seed);
}
