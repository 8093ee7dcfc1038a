import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { problemType } from '@tt/shared';
import { createMemoryNonceStore, type NonceStore } from '../auth/auth.nonce-store';
import { scoreBias, scoreBiasBatch } from '../bias/bias.score';
import { computeIndicators, computeIndicatorsBatch } from '../indicators/indicators.service';
import { BASE_MS, HOUR, iso, walkCandles } from '../indicators/test/candle-arbitraries';
import { offlineReflection } from '../reflect/reflect.offline';
import { createMlApp } from './ml.app';
import { TEST_SECRET, signedInject } from './test/signed-inject';

const NOW = Date.UTC(2024, 5, 1, 12);
const candles = walkCandles(
  100,
  Array.from({ length: 120 }, (_, i) => ({
    moveBp: ((i * 13) % 21) - 10,
    wickUpBp: 20,
    wickDownBp: 15,
    volume: 10 + i,
  })),
);
const indicatorBody = { ohlcv: candles, entryTs: iso(BASE_MS + 100 * HOUR + 60_000), granularity: '1h' };
const scoreBody = {
  side: 'BUY',
  features: { pct_change_24h_before: 0.12, RSI_14: 77, BB_pos: 0.95 },
} as const;

let app: FastifyInstance;
beforeAll(async () => {
  app = createMlApp({
    hmacSecret: TEST_SECRET,
    nonceStore: createMemoryNonceStore(),
    bodyLimitBytes: 64 * 1024,
    now: () => NOW,
  });
  await app.ready();
});
afterAll(() => app.close());

const post = (url: string, body: unknown, extra: Partial<Parameters<typeof signedInject>[1]> = {}) =>
  signedInject(app, { url, body, timestampMs: NOW, ...extra });
const problemOf = (code: string) => expect.objectContaining({ type: problemType(code), code });

describe('createMlApp routes', () => {
  it('answers health and readiness without a signature', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ url: '/readyz' });
    expect([ready.statusCode, ready.json()]).toEqual([200, { status: 'ready' }]);
  });

  it('serves every operation with the results of the pure functions', async () => {
    const batchIndicators = {
      series: { 'BTC-USD': candles },
      entries: [{ id: 't1', symbol: 'BTC-USD', entryTs: indicatorBody.entryTs }],
    };
    const batchScore = {
      items: [
        { id: 'a', ...scoreBody },
        { id: 'b', side: 'SELL', features: { pnl_exit: -0.09 } },
      ],
    };
    const reflect = { features: scoreBody.features, label: 'FOMO', tone: 'strict' } as const;
    const cases: [string, unknown, unknown][] = [
      ['/v1/indicators', indicatorBody, computeIndicators(indicatorBody as never)],
      ['/v1/indicators/batch', batchIndicators, computeIndicatorsBatch(batchIndicators)],
      ['/v1/bias/score', scoreBody, scoreBias(scoreBody)],
      ['/v1/bias/score/batch', batchScore, scoreBiasBatch(batchScore as never)],
      ['/v1/nlg/reflect', reflect, offlineReflection(reflect)],
    ];
    for (const [url, body, expected] of cases) {
      const response = await post(url, body);
      expect([url, response.statusCode, response.json()]).toEqual([url, 200, expected]);
    }
  });

  it('answers 400 naming every failing field', async () => {
    const response = await post('/v1/bias/score', {
      side: 'HOLD',
      features: { RSI_14: 'high' },
      rules: [{ kind: 'fomo', params: {} }],
    });
    expect(response.statusCode).toBe(400);
    const fields = (response.json().errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(['body.side', 'body.features.RSI_14', 'body.rules.0.params.pct24h']),
    );
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const batch = await post('/v1/indicators/batch', {
      series: {},
      entries: [{ id: 'x', symbol: 'ETH-USD', entryTs: indicatorBody.entryTs }],
    });
    expect(batch.json().errors).toEqual([
      { field: 'body.entries.0.symbol', message: 'no series for ETH-USD' },
    ]);
  });

  it('answers unknown routes and bad JSON with problems', async () => {
    expect((await post('/v1/nothing', {})).json()).toEqual(problemOf('HTTP.NOT_FOUND'));
    expect((await post('/v1/bias/score', '{"side":')).json()).toEqual(problemOf('HTTP.BAD_JSON'));
  });
});

describe('createMlApp signed-request checks', () => {
  it('rejects missing or malformed signature headers', async () => {
    const bare = await app.inject({ method: 'POST', url: '/v1/bias/score', payload: scoreBody });
    expect([bare.statusCode, bare.json()]).toEqual([401, problemOf('ML.AUTH_MISSING')]);
    const shortNonce = await post('/v1/bias/score', scoreBody, { nonce: 'abc' });
    expect(shortNonce.json()).toEqual(problemOf('ML.AUTH_MISSING'));
  });

  it('rejects a timestamp more than 5 minutes away, either way, and accepts one at the edge', async () => {
    for (const skew of [-300_001, 300_001]) {
      const response = await post('/v1/bias/score', scoreBody, { timestampMs: NOW + skew });
      expect([skew, response.statusCode, response.json()]).toEqual([skew, 401, problemOf('ML.CLOCK_SKEW')]);
    }
    for (const skew of [-300_000, 300_000]) {
      expect((await post('/v1/bias/score', scoreBody, { timestampMs: NOW + skew })).statusCode).toBe(200);
    }
  });

  it('rejects a replayed nonce, and a failed signature does not use the nonce up', async () => {
    const nonce = 'replay-nonce-0000000001';
    const forged = await post('/v1/bias/score', scoreBody, { nonce, secret: `${TEST_SECRET}-wrong` });
    expect(forged.json()).toEqual(problemOf('ML.BAD_SIGNATURE'));
    expect((await post('/v1/bias/score', scoreBody, { nonce })).statusCode).toBe(200);
    const replay = await post('/v1/bias/score', scoreBody, { nonce });
    expect([replay.statusCode, replay.json()]).toEqual([401, problemOf('ML.NONCE_REUSED')]);
  });

  it.each([
    [
      'the timestamp',
      (r: { headers: Record<string, string> }) => void (r.headers['x-timestamp'] = String(NOW - 1)),
    ],
    ['the path', (r: { url: string }) => void (r.url = '/v1/bias/score/batch')],
    ['the query string', (r: { url: string }) => void (r.url = '/v1/bias/score?debug=1')],
    ['the body', (r: { payload: string }) => void (r.payload = r.payload.replace('77', '78'))],
    [
      'the nonce (a captured request replayed under a fresh one)',
      (r: { headers: Record<string, string> }) =>
        void (r.headers['x-nonce'] = 'fresh-nonce-chosen-by-an-attacker'),
    ],
    [
      'the signature',
      (r: { headers: Record<string, string> }) => void (r.headers['x-signature'] = 'f'.repeat(64)),
    ],
  ])('rejects a request whose %s changed after signing', async (_part, tamper) => {
    const response = await post('/v1/bias/score', scoreBody, { tamper: tamper as never });
    expect([response.statusCode, response.json()]).toEqual([401, problemOf('ML.BAD_SIGNATURE')]);
  });

  it('rejects a request signed for another method', async () => {
    const response = await post('/v1/bias/score', scoreBody, { signedMethod: 'PUT' });
    expect([response.statusCode, response.json()]).toEqual([401, problemOf('ML.BAD_SIGNATURE')]);
  });

  it('signs the path with its query string as sent', async () => {
    expect((await post('/v1/bias/score?trace=1', scoreBody)).statusCode).toBe(200);
  });

  it('rejects a body over the limit with 413, before the signature is checked', async () => {
    const big = { ...indicatorBody, ohlcv: Array.from({ length: 800 }, () => candles[0]) };
    const response = await post('/v1/indicators', big);
    expect([response.statusCode, response.json()]).toEqual([413, problemOf('ML.BODY_TOO_LARGE')]);
    const forgedBig = await post('/v1/indicators', big, { secret: `${TEST_SECRET}-wrong` });
    expect(forgedBig.statusCode).toBe(413);
  });

  it('gives every rejection its own problem type', () => {
    const codes = [
      'ML.AUTH_MISSING',
      'ML.CLOCK_SKEW',
      'ML.NONCE_REUSED',
      'ML.BAD_SIGNATURE',
      'ML.BODY_TOO_LARGE',
    ];
    expect(new Set(codes.map(problemType)).size).toBe(codes.length);
  });

  it('answers 503 when the nonce store is down', async () => {
    const broken: NonceStore = { claim: () => Promise.reject(new Error('redis down')) };
    const down = createMlApp({ hmacSecret: TEST_SECRET, nonceStore: broken, now: () => NOW });
    const response = await signedInject(down, { url: '/v1/bias/score', body: scoreBody, timestampMs: NOW });
    expect([response.statusCode, response.json()]).toEqual([503, problemOf('ML.UNAVAILABLE')]);
    expect((await down.inject({ url: '/readyz' })).statusCode).toBe(503);
    await down.close();
  });

  it('refuses to start with a short secret', () => {
    expect(() => createMlApp({ hmacSecret: 'short', nonceStore: createMemoryNonceStore() })).toThrow(
      /at least 32/,
    );
  });
});
