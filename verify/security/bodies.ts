import { connect } from 'node:net';
import type { InjectOptions } from 'fastify';
import { TEST_ORIGIN } from '../../apps/bff/src/modules/auth/auth.test-support';
import type { Section } from '../lib/report';
import type { AppUnderTest } from './app-under-test';
import { nextIp } from './fixtures';
import { problemViolation } from './fuzz';
import { CSV_CONTENT_TYPE, csvMultipart, isExternal } from './route-catalogue';
import { routeKey, type RegisteredRoute } from './route-inventory';
import { sessionPool } from './session-pool';

const MiB = 1024 * 1024;

/** Raw bytes over a socket, for requests no HTTP client would send; answers the status line and the rest. */
export function rawRequest(
  base: string,
  bytes: string | Buffer,
  timeoutMs = 5000,
): Promise<{ status: number; head: string; body: string }> {
  const { port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    const done = () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0), head, body });
    };
    socket.on('close', done);
    socket.on('error', () => undefined);
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.write(bytes);
  });
}

/**
 * Bodies no client of ours sends: over the 1 MiB limit (413), cut-off JSON, invalid UTF-8, nesting
 * 100,000 deep, 50,000 keys, `__proto__` payloads (and the process's Object.prototype checked
 * afterwards), the wrong media type (415); and requests the HTTP parser itself refuses. Every
 * answer: no 5xx, a problem.
 */
export async function hostileBodies(
  section: Section,
  aut: AppUnderTest,
  routes: RegisteredRoute[],
): Promise<void> {
  const pool = await sessionPool(aut, 10);
  const mutating = routes.filter((r) => r.method !== 'GET' && !isExternal(r.url));
  const bodies: [string, string, string, number[]][] = [
    ['1 MiB + 1 KiB of JSON', 'application/json', JSON.stringify({ pad: 'x'.repeat(MiB + 1024) }), [413]],
    ['cut-off JSON', 'application/json', '{"email": "a@b.c", "password": ', [400]],
    [
      'invalid UTF-8',
      'application/json',
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]).toString('latin1'),
      [400, 422],
    ],
    [
      '100,000 levels of nesting',
      'application/json',
      '['.repeat(100_000) + ']'.repeat(100_000),
      [400, 413, 422],
    ],
    [
      '50,000 keys',
      'application/json',
      JSON.stringify(Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]))),
      [400, 413, 422],
    ],
    [
      '__proto__ pollution',
      'application/json',
      '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}',
      [],
    ],
    ['text/plain', 'text/plain', 'hello', [400, 415]],
    [
      'application/xml',
      'application/xml',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
      [400, 415],
    ],
  ];
  let cases = 0;
  for (const route of mutating) {
    const url = route.url
      .replace(/:broker/, 'coinbase')
      .replace(/:[A-Za-z_]+/g, '00000000-0000-4000-8000-000000000000');
    for (const [name, type, payload, expected] of bodies) {
      const session =
        route.url === '/api/auth/logout' || route.url === '/api/me' ? await pool.fresh() : pool.next();
      const request: InjectOptions = {
        method: route.method as InjectOptions['method'],
        url,
        remoteAddress: nextIp(),
        headers: {
          cookie: `__Host-tt_session=${session.token}; __Host-tt_csrf=${session.csrf}`,
          'x-csrf-token': session.csrf,
          origin: TEST_ORIGIN,
          'content-type': type,
        },
        payload: Buffer.from(payload, 'latin1'),
      };
      const res = await aut.app.inject(request);
      cases++;
      const violation = problemViolation(res, false);
      // Some routes take no body and ignore it; what matters is that none fails or answers outside the model.
      const fits =
        expected.length === 0 ||
        expected.includes(res.statusCode) ||
        res.statusCode < 400 ||
        [401, 403, 404, 405, 409, 415, 429].includes(res.statusCode);
      section.check(
        `${routeKey(route)}: ${name} → ${res.statusCode}`,
        violation === null && fits,
        violation ?? (fits ? undefined : { status: res.statusCode, body: res.body.slice(0, 160) }),
      );
    }
  }
  section.check(
    'no request polluted Object.prototype',
    ({} as Record<string, unknown>).polluted === undefined,
  );

  const big = await aut.app.inject({
    method: 'POST',
    url: '/api/imports/csv',
    headers: {
      cookie: `__Host-tt_session=${pool.next().token}; __Host-tt_csrf=x${'y'.repeat(42)}`,
      'x-csrf-token': `x${'y'.repeat(42)}`,
      origin: TEST_ORIGIN,
      'content-type': CSV_CONTENT_TYPE,
    },
    payload: csvMultipart(
      'binance',
      `Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin\n${'2026-10-30 12:42:31,BTCUSDT,BUY,1,1,1,0,BTC\n'.repeat(140_000)}`,
    ),
  });
  section.check(
    `POST /api/imports/csv: a 6 MiB file → 413 problem (${big.statusCode})`,
    big.statusCode === 413 && problemViolation(big, false) === null,
    big.body.slice(0, 200),
  );

  const raw: [string, string][] = [
    ['a malformed request line', 'GET /api/trades HTTP/1.1 extra\r\nHost: x\r\n\r\n'],
    ['16 KiB+ of headers', `GET /api/trades HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`],
    [
      'a body longer than its Content-Length',
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{"email":"x"}',
    ],
    [
      'Content-Length and chunked together',
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    [
      'an invalid chunk size',
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    ],
  ];
  for (const [name, bytes] of raw) {
    const res = await rawRequest(aut.base, bytes);
    cases++;
    const problem = /content-type: application\/problem\+json/i.test(res.head);
    section.check(
      `HTTP parser: ${name} → ${res.status} problem+json`,
      res.status >= 400 && res.status < 500 && problem,
      { status: res.status, head: res.head.slice(0, 300), body: res.body.slice(0, 200) },
    );
  }
  section.figure('cases', cases);
}
