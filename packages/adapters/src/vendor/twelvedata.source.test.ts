import { CandleSchema } from '@tt/shared';
import { describe, expect, it, vi } from 'vitest';
import { appErrorOf } from '../test-support/app-error';
import type { FakeHandler, FakeRequest } from '../test-support/fake-fetch';
import { createCapturedLogger, createFakeFetch, createFakeTime } from '../test-support/fake-fetch';
import { formatTwelveDataDate, HOUR_MS } from './twelvedata-candles';
import { createTwelveDataSource } from './twelvedata.source';
import type { TwelveDataSourceOptions } from './vendor.types';

const NOW = Date.UTC(2026, 10, 25, 12, 30);
const LAST_CLOSED = Date.UTC(2026, 10, 25, 11);
const KEY = 'td-secret-key-123';

/** Twelve Data over a flat market: one bar per hour of [start_date, end_date] (both inclusive). */
const flatVendor: FakeHandler = (request) => {
  const q = request.url.searchParams;
  const from = Date.parse(`${q.get('start_date')!.replace(' ', 'T')}Z`);
  const to = Date.parse(`${q.get('end_date')!.replace(' ', 'T')}Z`);
  const values = [];
  for (let t = Math.ceil(from / HOUR_MS) * HOUR_MS; t <= to; t += HOUR_MS) {
    values.push({
      datetime: formatTwelveDataDate(t),
      open: '100.10000',
      high: '101.00000',
      low: '99.50000',
      close: '100.20000',
      volume: '12.5',
    });
  }
  const size = Number(q.get('outputsize'));
  return {
    json: { meta: { symbol: q.get('symbol'), interval: '1h' }, values: values.slice(-size), status: 'ok' },
  };
};

function source(handler: FakeHandler, overrides: Partial<TwelveDataSourceOptions> = {}) {
  const time = createFakeTime(NOW);
  const fake = createFakeFetch(handler);
  const sentAt: number[] = [];
  const captured = createCapturedLogger();
  const vendor = createTwelveDataSource({
    baseUrl: 'https://api.twelvedata.example/v1',
    apiKey: KEY,
    requestsPerMinute: 8,
    fetch: (async (input, init) => {
      sentAt.push(time.clock.now());
      return fake.fetch(input, init);
    }) as typeof fetch,
    now: time.clock.now,
    sleep: time.sleep,
    logger: captured.logger,
    ...overrides,
  });
  return { vendor, calls: fake.calls, time, sentAt, captured };
}

const hours = (n: number) => new Date(LAST_CLOSED - n * HOUR_MS);
const fetchBtc = (vendor: ReturnType<typeof source>['vendor'], since: Date, until = new Date(NOW)) =>
  vendor.fetchHourly({ base: 'btc', quote: 'usd', since, until });
const error =
  (code: number, message: string, status = code) =>
  () => ({
    status,
    json: { code, message, status: 'error' },
  });

describe('createTwelveDataSource', () => {
  it('walks a long range in windows of 5,000 hours with the key only in the Authorization header', async () => {
    const { vendor, calls } = source(flatVendor);
    const candles = await fetchBtc(vendor, hours(11_999));
    expect(candles).toHaveLength(12_000);
    expect(candles[0]!.ts).toBe(hours(11_999).toISOString());
    expect(candles.at(-1)!.ts).toBe(new Date(LAST_CLOSED).toISOString());
    expect(
      candles.every((c, i) => i === 0 || Date.parse(c.ts) - Date.parse(candles[i - 1]!.ts) === HOUR_MS),
    ).toBe(true);
    expect(calls).toHaveLength(3);
    const first = calls[0]!;
    expect(first.url.pathname).toBe('/v1/time_series');
    expect(Object.fromEntries(first.url.searchParams)).toEqual({
      symbol: 'BTC/USD',
      interval: '1h',
      start_date: formatTwelveDataDate(hours(11_999).getTime()),
      end_date: formatTwelveDataDate(hours(11_999 - 4_999).getTime() + HOUR_MS - 1_000),
      timezone: 'UTC',
      order: 'ASC',
      outputsize: '5000',
    });
    expect(calls[2]!.url.searchParams.get('end_date')).toBe('2026-11-25 11:59:59');
    for (const call of calls) {
      expect(call.headers.authorization).toBe(`apikey ${KEY}`);
      expect(call.url.toString()).not.toContain(KEY);
    }
  });

  it('parses bars into exact, canonical candles, ascending, keeping missing hours missing', async () => {
    const { vendor } = source(() => ({
      json: {
        meta: { symbol: 'BTC/USD', interval: '1h' },
        values: [
          // Newest first, an hour missing, one bar without volume, one outside the asked range.
          { datetime: '2026-11-25 12:00:00', open: '1', high: '1', low: '1', close: '1', volume: '1' },
          {
            datetime: '2026-11-25 11:00:00',
            open: '0047850.17969000',
            high: '47900.5',
            low: '47000',
            close: '47850.1',
            volume: '0.000000010',
          },
          {
            datetime: '2026-11-25 09:00:00',
            open: '47700.00000',
            high: '47800.00000',
            low: '47600.00000',
            close: '47750.00000',
          },
        ],
        status: 'ok',
      },
    }));
    const candles = await fetchBtc(vendor, hours(2));
    expect(candles).toEqual([
      {
        ts: '2026-11-25T09:00:00.000Z',
        open: '47700',
        high: '47800',
        low: '47600',
        close: '47750',
        volume: '0',
      },
      {
        ts: '2026-11-25T11:00:00.000Z',
        open: '47850.17969',
        high: '47900.5',
        low: '47000',
        close: '47850.1',
        volume: '0.00000001',
      },
    ]);
    for (const candle of candles) expect(CandleSchema.parse(candle)).toEqual(candle);
  });

  it('asks nothing for a range of hours that have not closed yet', async () => {
    const { vendor, calls } = source(flatVendor);
    expect(await fetchBtc(vendor, new Date(NOW), new Date(NOW + 5 * HOUR_MS))).toEqual([]);
    expect(calls).toHaveLength(0);
  });

  it('keeps under requestsPerMinute by waiting, never by failing', async () => {
    const { vendor, sentAt, time } = source(flatVendor, { requestsPerMinute: 2 });
    const candles = await fetchBtc(vendor, hours(5 * 5_000 - 1));
    expect(candles).toHaveLength(25_000);
    expect(sentAt).toHaveLength(5);
    for (let i = 2; i < sentAt.length; i++)
      expect(sentAt[i]! - sentAt[i - 2]!).toBeGreaterThanOrEqual(60_000);
    expect(time.sleeps.length).toBeGreaterThan(0);
  });

  it('shares the budget between concurrent calls', async () => {
    // Timers, not a sleep that advances a shared clock: concurrent sleepers would each move it.
    vi.useFakeTimers({ now: NOW });
    try {
      const fake = createFakeFetch(flatVendor);
      const sentAt: number[] = [];
      const vendor = createTwelveDataSource({
        baseUrl: 'https://api.twelvedata.example',
        apiKey: KEY,
        requestsPerMinute: 3,
        fetch: (async (input, init) => {
          sentAt.push(Date.now());
          return fake.fetch(input, init);
        }) as typeof fetch,
      });
      const bases = ['BTC', 'ETH', 'SOL', 'BNB', 'LTC', 'AVAX', 'ADA'];
      const all = Promise.all(
        bases.map((base) =>
          vendor.fetchHourly({ base, quote: 'USD', since: hours(10), until: new Date(NOW) }),
        ),
      );
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      expect((await all).map((candles) => candles.length)).toEqual(bases.map(() => 11));
      expect(sentAt).toHaveLength(7);
      for (let i = 3; i < sentAt.length; i++)
        expect(sentAt[i]! - sentAt[i - 3]!).toBeGreaterThanOrEqual(60_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it('waits out a 429 until the next minute, or for Retry-After, and retries', async () => {
    const answers = [
      error(429, 'You have run out of API credits for the current minute. 9 API credits were used.')(),
      {
        ...error(429, 'You have run out of API credits for the current minute.')(),
        headers: { 'retry-after': '7' },
      },
    ];
    const { vendor, calls, time, sentAt } = source((request) => answers.shift() ?? flatVendor(request));
    expect(await fetchBtc(vendor, hours(3))).toHaveLength(4);
    expect(calls).toHaveLength(3);
    // 12:30:00 → the next minute starts at 12:31:00, plus a second of margin.
    expect(sentAt[1]! - sentAt[0]!).toBe(61_000);
    expect(sentAt[2]! - sentAt[1]!).toBe(7_000);
    expect(time.sleeps).toEqual([61_000, 7_000]);
  });

  it('draws on a budget it is given (shared between processes) and tells it when the vendor says stop', async () => {
    const taken: number[] = [];
    const pauses: number[] = [];
    const budget = {
      take: async () => {
        taken.push(taken.length);
        return 0;
      },
      pauseUntil: async (untilMs: number) => {
        pauses.push(untilMs);
      },
    };
    const answers = [error(429, 'You have run out of API credits for the current minute.')()];
    const { vendor } = source((request) => answers.shift() ?? flatVendor(request), { budget });
    expect(await fetchBtc(vendor, hours(3))).toHaveLength(4);
    expect(taken).toHaveLength(2);
    expect(pauses).toEqual([Date.UTC(2026, 10, 25, 12, 31, 1)]);
  });

  it('gives up with MARKET_DATA.RATE_LIMITED after a few 429s, or at once when the day is spent', async () => {
    const minute = source(error(429, 'You have run out of API credits for the current minute.'));
    const limited = await appErrorOf(fetchBtc(minute.vendor, hours(3)));
    expect([limited.code, limited.status]).toEqual(['MARKET_DATA.RATE_LIMITED', 429]);
    expect(limited.headers?.['Retry-After']).toMatch(/^\d+$/);
    expect(minute.calls).toHaveLength(4);
    const day = source(error(429, 'You have run out of API credits for the day.'));
    expect((await appErrorOf(fetchBtc(day.vendor, hours(3)))).code).toBe('MARKET_DATA.RATE_LIMITED');
    expect(day.calls).toHaveLength(1);
  });

  it('retries 5xx with backoff, then fails with MARKET_DATA.UNAVAILABLE', async () => {
    const answers = [{ status: 502, text: 'Bad Gateway' }];
    const recovered = source((request) => answers.shift() ?? flatVendor(request));
    expect(await fetchBtc(recovered.vendor, hours(0))).toHaveLength(1);
    expect(recovered.time.sleeps).toEqual([1_000]);
    const down = source(error(500, 'Internal server error.'));
    const failure = await appErrorOf(fetchBtc(down.vendor, hours(0)));
    expect([failure.code, failure.status]).toEqual(['MARKET_DATA.UNAVAILABLE', 503]);
    expect(failure.detail).toContain('HTTP 500');
    expect(down.time.sleeps).toEqual([1_000, 2_000, 4_000]);
  });

  it('times out a hanging call and reports a network failure as UNAVAILABLE', async () => {
    const hanging = source(() => new Promise(() => {}), { timeoutMs: 5, maxRetries: 0 });
    expect((await appErrorOf(fetchBtc(hanging.vendor, hours(0)))).detail).toContain('did not answer in time');
    const unreachable = createTwelveDataSource({
      baseUrl: 'https://api.twelvedata.example',
      apiKey: KEY,
      requestsPerMinute: 8,
      maxRetries: 0,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    const failure = await appErrorOf(fetchBtc(unreachable, hours(0)));
    expect([failure.code, failure.detail]).toEqual([
      'MARKET_DATA.UNAVAILABLE',
      'We could not reach Twelve Data. Try again shortly.',
    ]);
  });

  it('maps the vendor’s refusals, also when they come with HTTP 200', async () => {
    const cases: [FakeHandler, string, number][] = [
      [
        error(404, '**symbol** not found: XYZ/USD. Please specify it correctly.'),
        'MARKET_DATA.UNKNOWN_SYMBOL',
        422,
      ],
      [error(403, '**symbol** is available starting with the Grow plan.'), 'MARKET_DATA.UNKNOWN_SYMBOL', 422],
      [error(401, '**apikey** parameter is incorrect.', 200), 'MARKET_DATA.INVALID_KEY', 502],
      [error(400, '**interval** is invalid.'), 'MARKET_DATA.REQUEST_REJECTED', 502],
      [() => ({ json: { status: 'ok', values: 'none' } }), 'MARKET_DATA.BAD_RESPONSE', 502],
      [() => ({ text: '<html>maintenance</html>' }), 'MARKET_DATA.BAD_RESPONSE', 502],
    ];
    for (const [handler, code, status] of cases) {
      const { vendor, calls } = source(handler);
      const failure = await appErrorOf(fetchBtc(vendor, hours(0)));
      expect([failure.code, failure.status], code).toEqual([code, status]);
      expect(calls, code).toHaveLength(1);
      expect(failure.detail).not.toContain(KEY);
    }
  });

  it('refuses an unreadable bar as BAD_RESPONSE', async () => {
    for (const bar of [
      { datetime: '2026-11-25 11:00:00', open: '1e', high: '1', low: '1', close: '1' },
      { datetime: '2026-11-25 11:30:00', open: '1', high: '1', low: '1', close: '1' },
      { datetime: 'yesterday', open: '1', high: '1', low: '1', close: '1' },
    ]) {
      const { vendor } = source(() => ({
        json: { meta: { symbol: 'BTC/USD', interval: '1h' }, values: [bar], status: 'ok' },
      }));
      expect((await appErrorOf(fetchBtc(vendor, hours(0)))).code).toBe('MARKET_DATA.BAD_RESPONSE');
    }
  });

  it('treats "no data on these dates" as an empty window', async () => {
    const { vendor } = source(
      error(400, 'No data is available on the specified dates. Try setting different start/end dates.'),
    );
    expect(await fetchBtc(vendor, hours(10))).toEqual([]);
  });

  it('refuses a malformed pair without calling the vendor', async () => {
    const { vendor, calls } = source(flatVendor);
    const failure = await appErrorOf(
      vendor.fetchHourly({ base: 'BTC/ETH', quote: 'USD', since: hours(1), until: hours(0) }),
    );
    expect(failure.code).toBe('MARKET_DATA.UNKNOWN_SYMBOL');
    expect(calls).toEqual([]);
  });

  it('stops when the caller aborts, also while waiting for the budget', async () => {
    const controller = new AbortController();
    const { vendor } = source(flatVendor, {
      requestsPerMinute: 1,
      sleep: async (_ms, signal) => {
        controller.abort(new Error('import cancelled'));
        signal?.throwIfAborted();
      },
    });
    const walk = vendor.fetchHourly({
      base: 'BTC',
      quote: 'USD',
      since: hours(9_999),
      until: hours(0),
      signal: controller.signal,
    });
    await expect(walk).rejects.toThrow('import cancelled');
  });

  it('logs each call without the key', async () => {
    const { vendor, captured } = source((request: FakeRequest) =>
      request.url.searchParams.get('symbol') === 'XYZ/USD'
        ? error(404, '**symbol** not found')()
        : flatVendor(request),
    );
    await fetchBtc(vendor, hours(3));
    await appErrorOf(vendor.fetchHourly({ base: 'XYZ', quote: 'USD', since: hours(3), until: hours(0) }));
    const text = captured.lines.join('\n');
    expect(captured.lines.length).toBeGreaterThanOrEqual(2);
    expect(text).toContain('time_series');
    expect(text).not.toContain(KEY);
  });
});
