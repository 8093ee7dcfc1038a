import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { MAX_CLOCK_SKEW_MS, signRequest } from '@tt/ml';
import type { Section } from '../lib/report';

const BODY = JSON.stringify({
  features: { RSI_14: 75, pct_change_24h_before: 0.12, BB_pos: 0.95 },
  side: 'BUY',
});
const PATH = '/v1/bias/score';

type Answer = { status: number; type: string; code: string | undefined };

const ANSWER_TIMEOUT_MS = 15_000;

/**
 * A POST over node:http that settles, whatever the server does: with its answer, or with an error
 * naming what happened instead (the connection closed unanswered, or no answer in 15 s).
 * `declaredLength` announces a longer body than is sent: the server must refuse it from the header,
 * before reading, and the client stops there. Sending all of an oversized body instead races the
 * server's close: the client, still writing, meets EPIPE and the kernel drops the 413 unread.
 */
function call(
  url: string,
  path: string,
  headers: Record<string, string>,
  body: string,
  declaredLength?: number,
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(declaredLength ?? Buffer.byteLength(body)),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          let code: string | undefined;
          try {
            code = (JSON.parse(text) as { code?: string }).code;
          } catch {
            code = undefined;
          }
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), code });
          if (declaredLength !== undefined) req.destroy();
        });
      },
    );
    req.setTimeout(ANSWER_TIMEOUT_MS, () =>
      req.destroy(new Error(`no answer to POST ${path} within ${ANSWER_TIMEOUT_MS} ms`)),
    );
    req.on('error', (error) => reject(new Error(`POST ${path} got no answer: ${error.message}`)));
    if (declaredLength === undefined) req.end(body);
    else req.write(body);
  });
}

/**
 * The BFF↔ML trust boundary, attacked on a running ML service: a captured request replayed, a
 * timestamp outside the five-minute window (both ways), a body or path changed after signing, a
 * wrong secret, missing headers and an oversized body. Each is refused with its own problem code;
 * only the genuine request is served.
 */
export async function hmacBoundary(section: Section, ml: { url: string; secret: string }): Promise<void> {
  const sign = (
    overrides: { timestampMs?: number; secret?: string; path?: string; body?: string; nonce?: string } = {},
  ) =>
    signRequest({
      secret: overrides.secret ?? ml.secret,
      method: 'POST',
      path: overrides.path ?? PATH,
      body: overrides.body ?? BODY,
      ...(overrides.timestampMs === undefined ? {} : { timestampMs: overrides.timestampMs }),
      ...(overrides.nonce === undefined ? {} : { nonce: overrides.nonce }),
    });
  const genuine = sign();
  const first = await call(ml.url, PATH, genuine, BODY);
  section.equal('a genuine signed request → 200', first.status, 200);
  const cases: [string, () => Promise<Answer>, number][] = [
    ['the same request replayed (same nonce)', () => call(ml.url, PATH, genuine, BODY), 401],
    [
      'timestamp 6 minutes old, correctly signed',
      () => call(ml.url, PATH, sign({ timestampMs: Date.now() - MAX_CLOCK_SKEW_MS - 60_000 }), BODY),
      401,
    ],
    [
      'timestamp 6 minutes ahead, correctly signed',
      () => call(ml.url, PATH, sign({ timestampMs: Date.now() + MAX_CLOCK_SKEW_MS + 60_000 }), BODY),
      401,
    ],
    ['body changed after signing', () => call(ml.url, PATH, sign(), BODY.replace('BUY', 'SELL')), 401],
    ['path changed after signing', () => call(ml.url, '/v1/nlg/reflect', sign(), BODY), 401],
    [
      'signed with another secret',
      () => call(ml.url, PATH, sign({ secret: randomBytes(32).toString('hex') }), BODY),
      401,
    ],
    [
      'a fresh nonce on a captured signature',
      () => call(ml.url, PATH, { ...genuine, 'x-nonce': randomBytes(16).toString('hex') }, BODY),
      401,
    ],
    ['no signature headers', () => call(ml.url, PATH, {}, BODY), 401],
    [
      'a signature that is not hex',
      () => call(ml.url, PATH, { ...sign(), 'x-signature': 'z'.repeat(64) }, BODY),
      401,
    ],
    [
      'a 9 MiB body announced (over the 8 MiB limit)',
      () => {
        const big = JSON.stringify({ features: {}, side: 'BUY', pad: 'x'.repeat(9 * 1024 * 1024) });
        return call(ml.url, PATH, sign({ body: big }), big.slice(0, 64 * 1024), Buffer.byteLength(big));
      },
      413,
    ],
  ];
  const codes = new Map<string, string | undefined>();
  for (const [name, attempt, status] of cases) {
    const res = await attempt();
    codes.set(name, res.code);
    section.check(
      `${name} → ${status} problem`,
      res.status === status && res.type.startsWith('application/problem+json'),
      res,
    );
  }
  const replay = codes.get('the same request replayed (same nonce)');
  const skew = codes.get('timestamp 6 minutes old, correctly signed');
  const tamper = codes.get('body changed after signing');
  section.check(
    'replay, skew and tampering each have their own problem code',
    new Set([replay, skew, tamper]).size === 3 && !!replay && !!skew && !!tamper,
    { replay, skew, tamper },
  );
  section.figure('codes', Object.fromEntries(codes));
}
