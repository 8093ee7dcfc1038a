import { AppError } from '@tt/shared';
import { describe, expect, it } from 'vitest';
import { createFakeFetch, createFakeTime, type FakeHandler } from '../test-support/fake-fetch';
import { BrokerHttp, BrokerResponseError } from './broker-http';
import type { AdapterEvent, HttpClientOptions } from './http.types';

function setup(handler: FakeHandler, options: Partial<HttpClientOptions> = {}) {
  const time = createFakeTime();
  const fake = createFakeFetch(handler);
  const events: AdapterEvent[] = [];
  const http = new BrokerHttp(
    'coinbase',
    { fetch: fake.fetch, clock: time.clock, sleep: time.sleep, random: () => 0.5, ...options },
    undefined,
    (e) => events.push(e),
  );
  const get = () => http.send({ operation: 'fills', prepare: () => ({ url: 'https://api.example.test/x' }) });
  return { http, time, fake, events, get };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('BrokerHttp', () => {
  it('rides out a 429 storm, waiting at least Retry-After each time', async () => {
    let calls = 0;
    const { get, time, events } = setup(() =>
      ++calls <= 5
        ? { status: 429, json: { message: 'slow down' }, headers: { 'retry-after': '3' } }
        : { json: { ok: true } },
    );
    const response = await get();
    expect(response.body).toEqual({ ok: true });
    expect(calls).toBe(6);
    // Retry-After (3 s) wins until the jittered backoff (0.5 × 500·2⁴) grows past it.
    expect(time.sleeps).toEqual([3000, 3000, 3000, 3000, 4000]);
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries.map((e) => e.type === 'retry' && e.reason)).toEqual(Array(5).fill('rate_limited'));
  });

  it('backs off exponentially with full jitter when there is no Retry-After', async () => {
    let calls = 0;
    const draws = [1, 0.25, 0.999];
    const { get, time } = setup(() => (++calls <= 3 ? { status: 503 } : { json: [] }), {
      random: () => draws.shift() ?? 0,
      baseDelayMs: 100,
      maxDelayMs: 250,
    });
    await get();
    // attempt 0 ≤ 100, attempt 1 ≤ 200, attempt 2 capped at 250
    expect(time.sleeps).toEqual([100, 50, 249]);
  });

  it('gives up after maxRetries and hands the last answer to the adapter', async () => {
    const { get, fake } = setup(() => ({ status: 502, text: 'Bad Gateway' }), { maxRetries: 2 });
    const error = await failure(get());
    expect(error).toBeInstanceOf(BrokerResponseError);
    expect((error as BrokerResponseError).status).toBe(502);
    expect(fake.calls).toHaveLength(3);
  });

  it('does not retry a client error or a call marked single-use', async () => {
    const rejected = setup(() => ({ status: 401, json: { error: 'unauthorized' } }));
    await failure(rejected.get());
    expect(rejected.fake.calls).toHaveLength(1);

    const single = setup(() => ({ status: 503 }));
    await failure(
      single.http.send({
        operation: 'token.refresh',
        retry: false,
        prepare: () => ({ url: 'https://a.test/t' }),
      }),
    );
    expect(single.fake.calls).toHaveLength(1);
  });

  it('fails fast when Retry-After is longer than we are willing to wait', async () => {
    const { get, time } = setup(() => ({ status: 418, headers: { 'retry-after': '7200' } }));
    const error = (await failure(get())) as BrokerResponseError;
    expect(error.status).toBe(418);
    expect(error.retryAfterMs).toBe(7_200_000);
    expect(time.sleeps).toEqual([]);
  });

  it('retries network errors and times out a hung attempt', async () => {
    let calls = 0;
    const { get, events } = setup(
      () => {
        calls += 1;
        if (calls === 1) throw new TypeError('fetch failed');
        if (calls === 2) return new Promise(() => undefined);
        return { json: { ok: 1 } };
      },
      { timeoutMs: 20 },
    );
    expect((await get()).body).toEqual({ ok: 1 });
    const outcomes = events.filter((e) => e.type === 'request').map((e) => e.type === 'request' && e.outcome);
    expect(outcomes).toEqual(['network', 'timeout', 200]);
  });

  it('maps exhausted network failures to BROKER.UNAVAILABLE', async () => {
    const { get, events } = setup(
      () => {
        throw new TypeError('fetch failed');
      },
      { maxRetries: 1 },
    );
    const error = (await failure(get())) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('BROKER.UNAVAILABLE');
    expect(events.some((e) => e.type === 'error' && e.code === 'BROKER.UNAVAILABLE')).toBe(true);
  });

  it('opens the breaker after consecutive failed calls, probes after the cool-down, and closes on success', async () => {
    let healthy = false;
    const { get, time, fake, events, http } = setup(
      () => (healthy ? { json: { ok: true } } : { status: 500 }),
      {
        maxRetries: 0,
        breakerThreshold: 3,
        breakerCooldownMs: 10_000,
      },
    );
    for (let i = 0; i < 3; i++) await failure(get());
    expect(http.breakerState).toBe('open');
    const callsWhenOpened = fake.calls.length;

    const fastFail = (await failure(get())) as AppError;
    expect(fastFail.code).toBe('BROKER.UNAVAILABLE');
    expect(fastFail.headers?.['Retry-After']).toBe('10');
    expect(fake.calls.length).toBe(callsWhenOpened);

    time.advance(10_000);
    await failure(get());
    expect(http.breakerState).toBe('open');

    time.advance(10_000);
    healthy = true;
    await get();
    expect(http.breakerState).toBe('closed');
    const transitions = events
      .filter((e) => e.type === 'breaker')
      .map((e) => e.type === 'breaker' && `${e.from}>${e.to}`);
    expect(transitions).toEqual([
      'closed>open',
      'open>half-open',
      'half-open>open',
      'open>half-open',
      'half-open>closed',
    ]);
  });

  it('lets a single probe through while half-open', async () => {
    let release: () => void = () => undefined;
    let mode: 'fail' | 'hold' = 'fail';
    const { get, time, http } = setup(
      () =>
        mode === 'fail'
          ? { status: 503 }
          : new Promise((resolve) => {
              release = () => resolve({ json: {} });
            }),
      { maxRetries: 0, breakerThreshold: 1, breakerCooldownMs: 1000 },
    );
    await failure(get());
    time.advance(1000);
    mode = 'hold';
    const probe = get();
    await new Promise((r) => setTimeout(r, 0));
    expect(http.breakerState).toBe('half-open');
    expect(((await failure(get())) as AppError).code).toBe('BROKER.UNAVAILABLE');
    release();
    await probe;
    expect(http.breakerState).toBe('closed');
  });

  it('does not count the trader’s own errors against the broker', async () => {
    const { get, http } = setup(() => ({ status: 401 }), { breakerThreshold: 2 });
    for (let i = 0; i < 5; i++) await failure(get());
    expect(http.breakerState).toBe('closed');
  });
});
