import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { AppError, type BiasScoreRequest, type IndicatorRequest } from '@tt/shared';
import { createRedisNonceStore } from '../auth/auth.nonce-store';
import { signRequest } from '../auth/auth.signing';
import { createMlApp } from '../http/ml.app';
import { TEST_SECRET } from '../http/test/signed-inject';
import { BASE_MS, HOUR, iso, walkCandles } from '../indicators/test/candle-arbitraries';
import { GOOD_TEXT, startFakeLlmServer, type FakeLlmServer } from '../reflect/test/fake-llm-server';
import { createHttpMlClient } from './client.http';
import { createInProcessMlClient } from './client.in-process';
import type { MlClient } from './client.port';

const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
const keyPrefix = `tt:ml:test:${randomUUID()}:`;
let app: FastifyInstance;
let llm: FakeLlmServer;
let baseUrl: string;

beforeAll(async () => {
  await redis.connect();
  llm = await startFakeLlmServer();
  app = createMlApp({
    hmacSecret: TEST_SECRET,
    nonceStore: createRedisNonceStore({ redis, keyPrefix }),
    llm: { baseUrl: llm.baseUrl, model: 'coach-mini', timeoutMs: 2_000 },
  });
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await llm.close();
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const candles = walkCandles(
  2_500,
  Array.from({ length: 300 }, (_, i) => ({
    moveBp: ((i * 29) % 41) - 20,
    wickUpBp: 12,
    wickDownBp: 9,
    volume: i,
  })),
);
const indicatorRequest: IndicatorRequest = {
  ohlcv: candles,
  entryTs: iso(BASE_MS + 280 * HOUR + 5),
  granularity: '1h',
};
const scoreRequest: BiasScoreRequest = {
  side: 'SELL',
  features: { pnl_exit: -0.03, drawdown_recent: 0.09, RSI_14: 22 },
};

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('createHttpMlClient', () => {
  it('answers every operation exactly as the in-process client does', async () => {
    const http = createHttpMlClient({ baseUrl, hmacSecret: TEST_SECRET });
    const local = createInProcessMlClient();
    const calls: ((client: MlClient) => Promise<unknown>)[] = [
      (c) => c.indicators(indicatorRequest),
      (c) =>
        c.indicatorsBatch({
          series: { 'ETH-USD': candles },
          entries: [0, 50, 150, 299].map((h) => ({
            id: `e${h}`,
            symbol: 'ETH-USD',
            entryTs: iso(BASE_MS + h * HOUR),
          })),
        }),
      (c) => c.scoreBias(scoreRequest),
      (c) => c.scoreBiasBatch({ items: [{ id: 'x', ...scoreRequest }] }),
    ];
    for (const call of calls) expect(await call(http)).toEqual(await call(local));
    await expect(http.ping()).resolves.toBeUndefined();
  });

  it('reflects through the configured LLM and sends it no ids', async () => {
    const http = createHttpMlClient({ baseUrl, hmacSecret: TEST_SECRET });
    const features = { RSI_14: 81, pct_change_24h_before: 0.2, tradeId: 'trade-secret-id' };
    const answer = await http.reflect({ features, label: 'FOMO', tone: 'supportive' } as never);
    expect(answer).toEqual({ text: GOOD_TEXT, tone: 'supportive', bias: 'FOMO' });
    expect(JSON.stringify(llm.requests.at(-1)?.body)).not.toContain('trade-secret-id');
  });

  it('rejects an invalid request with the same AppError as the in-process client', async () => {
    const bad = { side: 'SELL', features: { RSI_14: 'low' } } as never;
    const remote = await rejection(createHttpMlClient({ baseUrl, hmacSecret: TEST_SECRET }).scoreBias(bad));
    const local = await rejection(createInProcessMlClient().scoreBias(bad));
    expect([remote.code, remote.status, remote.errors]).toEqual([local.code, local.status, local.errors]);
    expect([remote.code, remote.status]).toEqual(['HTTP.VALIDATION', 400]);
  });

  it('refuses a replayed request across the shared Redis nonce store', async () => {
    const body = JSON.stringify(scoreRequest);
    const headers = {
      ...signRequest({ secret: TEST_SECRET, method: 'POST', path: '/v1/bias/score', body }),
      'content-type': 'application/json',
    };
    const send = () => fetch(`${baseUrl}/v1/bias/score`, { method: 'POST', headers, body });
    expect((await send()).status).toBe(200);
    const replay = await send();
    expect([replay.status, ((await replay.json()) as { code: string }).code]).toEqual([
      401,
      'ML.NONCE_REUSED',
    ]);
  });

  it('turns a signature rejection into a 502 that keeps the service code', async () => {
    const wrong = createHttpMlClient({ baseUrl, hmacSecret: `${TEST_SECRET}-other` });
    const error = await rejection(wrong.scoreBias(scoreRequest));
    expect([error.code, error.status]).toEqual(['ML.BAD_SIGNATURE', 502]);
  });

  it('reports an unreachable or silent service as ML.UNAVAILABLE', async () => {
    const closed = createHttpMlClient({ baseUrl: 'http://127.0.0.1:9', hmacSecret: TEST_SECRET });
    expect((await rejection(closed.ping())).code).toBe('ML.UNAVAILABLE');
    const silent: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)),
      );
    const slow = createHttpMlClient({ baseUrl, hmacSecret: TEST_SECRET, timeoutMs: 50, fetch: silent });
    expect((await rejection(slow.scoreBias(scoreRequest))).code).toBe('ML.UNAVAILABLE');
  });

  it('rejects an answer that breaks the contract', async () => {
    const liar: typeof fetch = async () => new Response(JSON.stringify({ labels: [] }), { status: 200 });
    const client = createHttpMlClient({ baseUrl, hmacSecret: TEST_SECRET, fetch: liar });
    expect((await rejection(client.scoreBias(scoreRequest))).code).toBe('ML.BAD_RESPONSE');
  });
});
