import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatScaled } from '../core/decimal';
import { hourOfMs, hourStartMs } from '../core/time';
import type { AssetId } from '../market/market.assets';
import { Market } from '../market/market.series';
import { createSandboxApp } from '../sandbox.app';
import { formatVendorDate, parseVendorDate } from './twelvedata-query';

const NOW = new Date(Date.UTC(2026, 10, 25, 12, 34, 56));
const LAST_CLOSED = hourOfMs(NOW.getTime()) - 1;
const PATH = '/vendor/twelvedata/time_series';
const market = new Market(1);
let app: FastifyInstance;

interface Bar {
  datetime: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

beforeAll(async () => {
  // A budget no test here reaches, so that each test owns its credits.
  app = await createSandboxApp({ seed: 1, now: () => NOW, vendorRequestsPerMinute: 1_000 });
});
afterAll(async () => {
  await app.close();
});

function timeSeries(
  params: Record<string, string>,
  headers: Record<string, string> = { authorization: 'apikey k1' },
) {
  return app.inject({ url: `${PATH}?${new URLSearchParams(params).toString()}`, headers });
}

function hourText(hour: number): string {
  return formatVendorDate(hourStartMs(hour));
}

/** The bar the market holds for `hour`, printed as the vendor prints it. */
function expectedBar(asset: AssetId, hour: number): Bar | undefined {
  const candle = market.asset(asset).candle(hour);
  if (!candle) return undefined;
  const price = (ticks: number) => formatScaled(BigInt(ticks) * 1000n, 5, 'fixed');
  return {
    datetime: hourText(hour),
    open: price(candle.open),
    high: price(candle.high),
    low: price(candle.low),
    close: price(candle.close),
    volume: formatScaled(BigInt(candle.volume), 8, 'trim'),
  };
}

function expectedBars(asset: AssetId, from: number, to: number): Bar[] {
  const bars: Bar[] = [];
  for (let hour = from; hour <= to; hour++) {
    const bar = expectedBar(asset, hour);
    if (bar) bars.push(bar);
  }
  return bars;
}

describe('GET /vendor/twelvedata/time_series', () => {
  it("answers the market's candles for each hour of an inclusive range, in Twelve Data's format", async () => {
    // 300 hours hold at least one gap hour (one in every 240), which the vendor omits as well.
    const from = LAST_CLOSED - 299;
    const response = await timeSeries({
      symbol: 'BTC/USD',
      interval: '1h',
      start_date: hourText(from),
      end_date: hourText(LAST_CLOSED),
      timezone: 'UTC',
      order: 'ASC',
      outputsize: '5000',
    });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { meta: unknown; values: Bar[]; status: string };
    expect(body.meta).toEqual({
      symbol: 'BTC/USD',
      interval: '1h',
      currency_base: 'Bitcoin',
      currency_quote: 'US Dollar',
      exchange: 'Sandbox',
      type: 'Digital Currency',
    });
    expect(body.status).toBe('ok');
    const expected = expectedBars('BTC', from, LAST_CLOSED);
    expect(expected.length).toBeLessThan(300);
    expect(body.values).toEqual(expected);
    expect(body.values[0]!.datetime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:00:00$/);
  });

  it('quotes USD and USDT on one path, serves vendor-only assets and accepts the key as a query parameter', async () => {
    const range = { interval: '1h', start_date: hourText(LAST_CLOSED - 5), end_date: hourText(LAST_CLOSED) };
    const usd = await timeSeries({ ...range, symbol: 'ETH/USD' });
    const usdt = await timeSeries({ ...range, symbol: 'eth/usdt', apikey: 'k2' }, {});
    expect(usdt.statusCode).toBe(200);
    expect(usdt.json().meta).toMatchObject({ symbol: 'ETH/USDT', currency_quote: 'Tether USDt' });
    expect(usdt.json().values).toEqual(usd.json().values);
    const ltc = await timeSeries({ ...range, symbol: 'LTC/USD', order: 'ASC' });
    expect(ltc.json().values).toEqual(expectedBars('LTC', LAST_CLOSED - 5, LAST_CLOSED));
    expect(ltc.json().meta.currency_base).toBe('Litecoin');
  });

  it('answers newest first by default and keeps the most recent `outputsize` bars of a longer range', async () => {
    const range = {
      symbol: 'SOL/USD',
      interval: '1h',
      start_date: hourText(LAST_CLOSED - 99),
      end_date: hourText(LAST_CLOSED),
      outputsize: '5',
    };
    const descending = (await timeSeries(range)).json().values as Bar[];
    const recent = expectedBars('SOL', LAST_CLOSED - 10, LAST_CLOSED).slice(-5);
    expect(descending).toEqual([...recent].reverse());
    expect((await timeSeries({ ...range, order: 'asc' })).json().values).toEqual(recent);
  });

  it('serves only closed hours and, without dates, the latest 30', async () => {
    const response = await timeSeries({ symbol: 'BNB/USDT', interval: '1h' });
    const values = response.json().values as Bar[];
    expect(values).toHaveLength(30);
    const newest = expectedBar('BNB', LAST_CLOSED) ?? expectedBar('BNB', LAST_CLOSED - 1);
    expect(values[0]).toEqual(newest);
    const future = await timeSeries({
      symbol: 'BTC/USD',
      interval: '1h',
      start_date: hourText(LAST_CLOSED + 1),
      end_date: '2027-01-01',
    });
    expect(future.statusCode).toBe(400);
    expect(future.json()).toEqual({
      code: 400,
      message: 'No data is available on the specified dates. Try setting different start/end dates.',
      status: 'error',
    });
  });

  it('answers 404 for a symbol it does not list', async () => {
    const response = await timeSeries({ symbol: 'XYZ/USD', interval: '1h' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      code: 404,
      message: '**symbol** not found: XYZ/USD. Please specify it correctly according to API Documentation.',
      status: 'error',
    });
  });

  it('answers 401 without a key or with one starting with "bad"', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'apikey bad-key' },
      { authorization: 'Bearer k1' },
    ];
    for (const headers of attempts) {
      const response = await timeSeries({ symbol: 'BTC/USD', interval: '1h' }, headers);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 401, status: 'error' });
    }
    expect((await timeSeries({ symbol: 'BTC/USD', interval: '1h', apikey: 'bad' }, {})).statusCode).toBe(401);
  });

  it('answers 400 for intervals, dates, orders and sizes it does not take', async () => {
    const base = { symbol: 'BTC/USD', interval: '1h' };
    for (const params of [
      { ...base, interval: '7h' },
      { ...base, interval: '1day' },
      { ...base, start_date: '2026-02-30' },
      { ...base, end_date: 'yesterday' },
      { ...base, start_date: '2026-11-02', end_date: '2026-11-01' },
      { ...base, timezone: 'America/New_York' },
      { ...base, order: 'sideways' },
      { ...base, outputsize: '5001' },
      { ...base, outputsize: '0' },
      { interval: '1h' },
    ]) {
      const response = await timeSeries(params);
      expect(response.statusCode, JSON.stringify(params)).toBe(400);
      expect(response.json()).toMatchObject({ code: 400, status: 'error' });
    }
  });

  it('answers errors and injected faults in its own format', async () => {
    const malformed = await app.inject({
      method: 'POST',
      url: PATH,
      headers: { 'content-type': 'application/json' },
      payload: '{',
    });
    expect(malformed.json()).toMatchObject({ code: 400, status: 'error' });
    const controls = await app.inject({
      method: 'POST',
      url: '/__sandbox/faults',
      payload: { kind: '429', pathPrefix: '/vendor', retryAfterSeconds: 7 },
    });
    expect(controls.statusCode).toBe(201);
    const limited = await timeSeries({ symbol: 'BTC/USD', interval: '1h' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect(limited.json()).toMatchObject({ code: 429, status: 'error' });
    await app.inject({
      method: 'POST',
      url: '/__sandbox/faults',
      payload: { kind: '5xx', pathPrefix: '/vendor' },
    });
    const failed = await timeSeries({ symbol: 'BTC/USD', interval: '1h' });
    expect(failed.statusCode).toBe(503);
    expect(failed.json()).toMatchObject({ code: 503, status: 'error' });
    expect((await timeSeries({ symbol: 'BTC/USD', interval: '1h' })).statusCode).toBe(200);
  });
});

describe('vendor API credits', () => {
  it('refuses a key past its per-minute budget with 429 until the next minute', async () => {
    let nowMs = Date.UTC(2026, 10, 25, 12, 0, 5);
    const limited = await createSandboxApp({
      seed: 1,
      now: () => new Date(nowMs),
      vendorRequestsPerMinute: 2,
    });
    const call = (key: string) =>
      limited.inject({
        url: `${PATH}?symbol=BTC/USD&interval=1h`,
        headers: { authorization: `apikey ${key}` },
      });
    try {
      expect((await call('k1')).headers['api-credits-left']).toBe('1');
      expect((await call('k1')).statusCode).toBe(200);
      const refused = await call('k1');
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toEqual({
        code: 429,
        message: expect.stringMatching(
          /^You have run out of API credits for the current minute\. 3 API credits were used, with the current limit being 2\./,
        ),
        status: 'error',
      });
      expect((await call('k2')).statusCode).toBe(200);
      nowMs += 55_000;
      expect((await call('k1')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('parseVendorDate', () => {
  it('reads dates with and without a time, in UTC, and refuses impossible ones', () => {
    expect(parseVendorDate('2026-01-01')).toBe(Date.UTC(2026, 0, 1));
    expect(parseVendorDate('2026-01-01 13:00:00')).toBe(Date.UTC(2026, 0, 1, 13));
    expect(parseVendorDate('2026-01-01T13:05')).toBe(Date.UTC(2026, 0, 1, 13, 5));
    expect(parseVendorDate('2026-02-29')).toBeUndefined();
    expect(parseVendorDate('2026-01-01 24:00:00')).toBeUndefined();
  });
});
