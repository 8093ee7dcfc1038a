import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../sandbox.app';
import { FaultController } from './faults';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
const NOW = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 1, now: () => NOW });
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(() => {
  sandbox.faults.clear();
});

function addFault(rule: Record<string, unknown>): Promise<Response> {
  return fetch(`${sandbox.url}/__sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rule),
  });
}

describe('FaultController', () => {
  it('spends a fault on the next matching requests only', () => {
    const faults = new FaultController();
    faults.add({ kind: '429', count: 2, pathPrefix: '/api/v3/brokerage' });
    expect(faults.take('/api/v3/time')).toBeUndefined();
    expect(faults.take('/api/v3/brokerage/orders/historical/fills')?.kind).toBe('429');
    expect(faults.list()[0]?.remaining).toBe(1);
    expect(faults.take('/api/v3/brokerage/products/BTC-USD/candles')?.kind).toBe('429');
    expect(faults.take('/api/v3/brokerage/products/BTC-USD/candles')).toBeUndefined();
    expect(faults.list()).toEqual([]);
  });
});

describe('fault injection over HTTP', () => {
  it('answers a 429 storm in each exchange format, with Retry-After, then recovers', async () => {
    expect((await addFault({ kind: '429', count: 3, retryAfterSeconds: 2 })).status).toBe(201);
    const binance = await fetch(`${sandbox.url}/api/v3/time`);
    expect(binance.status).toBe(429);
    expect(binance.headers.get('retry-after')).toBe('2');
    expect(await binance.json()).toMatchObject({ code: -1003 });
    const coinbase = await fetch(`${sandbox.url}/api/v3/brokerage/orders/historical/fills`);
    expect(coinbase.status).toBe(429);
    expect(await coinbase.json()).toEqual({
      error: 'RATE_LIMIT_EXCEEDED',
      error_details: 'Too many requests',
      message: 'Too many requests',
    });
    const oauth = await fetch(`${sandbox.url}/oauth/token`, { method: 'POST' });
    expect(oauth.status).toBe(429);
    expect(await oauth.json()).toMatchObject({ error: 'rate_limit_exceeded' });
    expect((await fetch(`${sandbox.url}/api/v3/time`)).status).toBe(200);
  });

  it('lists, scopes by path prefix and clears faults', async () => {
    await addFault({ kind: '5xx', count: 5, pathPrefix: '/api/v3/klines', status: 502 });
    const listed = await (await fetch(`${sandbox.url}/__sandbox/faults`)).json();
    expect(listed.faults).toEqual([
      expect.objectContaining({ kind: '5xx', remaining: 5, pathPrefix: '/api/v3/klines' }),
    ]);
    expect((await fetch(`${sandbox.url}/api/v3/time`)).status).toBe(200);
    const failed = await fetch(`${sandbox.url}/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1`);
    expect(failed.status).toBe(502);
    expect(await failed.json()).toMatchObject({ code: -1001 });
    expect((await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${sandbox.url}/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1`)).status).toBe(200);
    expect((await addFault({ kind: 'teapot' })).status).toBe(400);
  });

  it('answers 5xx in the Coinbase format', async () => {
    sandbox.faults.add({ kind: '5xx', pathPrefix: '/api/v3/brokerage' });
    const response = await fetch(`${sandbox.url}/api/v3/brokerage/orders/historical/fills`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'UNAVAILABLE' });
  });

  it('delays slow requests and drops connections', async () => {
    sandbox.faults.add({ kind: 'slow', delayMs: 300, pathPrefix: '/api/v3/time' });
    const started = performance.now();
    expect((await fetch(`${sandbox.url}/api/v3/time`)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    sandbox.faults.add({ kind: 'drop', pathPrefix: '/api/v3/time' });
    await expect(fetch(`${sandbox.url}/api/v3/time`)).rejects.toThrow();
    expect((await fetch(`${sandbox.url}/api/v3/time`)).status).toBe(200);
  });
});
