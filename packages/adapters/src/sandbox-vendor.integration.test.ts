import { startSandbox } from '@tt/broker-sandbox';
import { CandleSchema } from '@tt/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appErrorOf } from './test-support/app-error';
import { createCapturedLogger } from './test-support/fake-fetch';
import { createTwelveDataSource } from './vendor/twelvedata.source';
import type { VendorCandleSource } from './vendor/vendor.types';

const HOUR = 3_600_000;
const KEY = 'it-vendor-key-7f3a';
/** The sandbox's budget is smaller than the source's, so only another user of the key can exhaust it. */
const SANDBOX_CREDITS = 3;

// One clock for both sides: the source's waits move it, so the sandbox's minute turns with them.
let clockMs = Date.UTC(2026, 10, 25, 12, 0, 10);
const sleeps: number[] = [];
const captured = createCapturedLogger();
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let vendor: VendorCandleSource;

beforeAll(async () => {
  sandbox = await startSandbox({
    seed: 7,
    now: () => new Date(clockMs),
    vendorRequestsPerMinute: SANDBOX_CREDITS,
  });
  vendor = createTwelveDataSource({
    baseUrl: `${sandbox.url}/vendor/twelvedata`,
    apiKey: KEY,
    requestsPerMinute: 8,
    now: () => clockMs,
    sleep: async (ms) => {
      sleeps.push(ms);
      clockMs += ms;
    },
    logger: captured.logger,
  });
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(() => {
  // Each test starts in a fresh minute of credits.
  clockMs = (Math.floor(clockMs / 60_000) + 1) * 60_000 + 10_000;
  sleeps.length = 0;
  sandbox.faults.clear();
});

const lastHours = (n: number) => ({ since: new Date(clockMs - n * HOUR), until: new Date(clockMs) });

describe('Twelve Data source against the sandbox', () => {
  it('fetches a few hundred closed hourly candles, exact and ascending', async () => {
    const candles = await vendor.fetchHourly({ base: 'BTC', quote: 'USD', ...lastHours(400) });
    // 401 hours asked for, the current one is open, and one hour in 240 has no trades.
    expect(candles.length).toBeGreaterThanOrEqual(397);
    expect(candles.length).toBeLessThanOrEqual(400);
    for (const candle of candles) expect(CandleSchema.parse(candle)).toEqual(candle);
    const opens = candles.map((c) => Date.parse(c.ts));
    expect(opens.every((t, i) => t % HOUR === 0 && (i === 0 || t > opens[i - 1]!))).toBe(true);
    expect(opens.at(-1)! + HOUR).toBeLessThanOrEqual(clockMs);
    expect(Number(candles[0]!.close)).toBeGreaterThan(10_000);
    const usdt = await vendor.fetchHourly({ base: 'btc', quote: 'usdt', ...lastHours(400) });
    expect(usdt).toEqual(candles);
  });

  it('serves an asset neither sandbox exchange lists', async () => {
    const candles = await vendor.fetchHourly({ base: 'LTC', quote: 'USD', ...lastHours(48) });
    expect(candles.length).toBeGreaterThanOrEqual(47);
  });

  it('maps an unknown symbol to MARKET_DATA.UNKNOWN_SYMBOL', async () => {
    const error = await appErrorOf(vendor.fetchHourly({ base: 'XYZ', quote: 'USD', ...lastHours(24) }));
    expect([error.code, error.status]).toEqual(['MARKET_DATA.UNKNOWN_SYMBOL', 422]);
    expect(error.detail).toBe('Twelve Data does not list XYZ/USD.');
  });

  it('waits out a 429 when another user of the key spent the minute', async () => {
    for (let i = 0; i < SANDBOX_CREDITS; i++) {
      const res = await fetch(`${sandbox.url}/vendor/twelvedata/time_series?symbol=ETH/USD&interval=1h`, {
        headers: { authorization: `apikey ${KEY}` },
      });
      expect(res.status).toBe(200);
    }
    const startedMs = clockMs;
    const candles = await vendor.fetchHourly({ base: 'ETH', quote: 'USD', ...lastHours(24) });
    expect(candles.length).toBeGreaterThanOrEqual(23);
    // The minute began 10 s before; the source waited past its end (plus a second), not longer.
    expect(sleeps).toEqual([51_000]);
    expect(Math.floor(clockMs / 60_000)).toBe(Math.floor(startedMs / 60_000) + 1);
  });

  it('retries a 5xx injected on the vendor path', async () => {
    sandbox.faults.add({ kind: '5xx', pathPrefix: '/vendor', status: 502 });
    const candles = await vendor.fetchHourly({ base: 'SOL', quote: 'USD', ...lastHours(12) });
    expect(candles.length).toBeGreaterThanOrEqual(11);
    expect(sleeps).toEqual([1_000]);
  });

  it('refuses a key the vendor rejects as MARKET_DATA.INVALID_KEY', async () => {
    const refused = createTwelveDataSource({
      baseUrl: `${sandbox.url}/vendor/twelvedata`,
      apiKey: 'bad-key-123456',
      requestsPerMinute: 8,
      now: () => clockMs,
    });
    const error = await appErrorOf(refused.fetchHourly({ base: 'BTC', quote: 'USD', ...lastHours(2) }));
    expect(error.code).toBe('MARKET_DATA.INVALID_KEY');
  });
});

describe('logs of the vendor session', () => {
  it('contain no API key', () => {
    const text = captured.lines.join('\n');
    expect(captured.lines.length).toBeGreaterThan(5);
    expect(text).toContain('/vendor/twelvedata/time_series');
    expect(text).not.toContain(KEY);
  });
});
