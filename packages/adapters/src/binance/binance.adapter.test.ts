import { createHmac } from 'node:crypto';
import { RawFillSchema } from '@tt/shared';
import { describe, expect, it } from 'vitest';
import { createAdapters } from '../create-adapters';
import {
  apiKeyCredentials,
  collect,
  COINBASE_TEST_CONFIG,
  createTestAdapters,
} from '../test-support/adapters';
import { createFakeBinance, generateTrades } from '../test-support/fake-binance';
import { appErrorOf } from '../test-support/app-error';
import { fixture } from '../test-support/fake-fetch';
import { SyncStateSchema } from '../sync-state';
import type { BinanceSyncState, FillPage } from '../types';

const START = Date.UTC(2024, 5, 1);
const DAY = 24 * 3600_000;

function setup(options: Omit<Parameters<typeof createFakeBinance>[0], 'now'> = {}) {
  let now = () => START;
  const server = createFakeBinance({ now: () => now(), ...options });
  const test = createTestAdapters(server.handler, { startMs: START });
  now = test.time.clock.now;
  return { ...test, server };
}

describe('binance adapter: keys', () => {
  it('accepts a read-only key and signs with X-MBX-APIKEY, timestamp, recvWindow and signature', async () => {
    const { binance, fake } = setup();
    expect(await binance.verifyReadOnly(apiKeyCredentials())).toEqual({ scopes: ['read'] });
    const signed = fake.calls.find((c) => c.url.pathname === '/sapi/v1/account/apiRestrictions')!;
    expect(signed.headers['x-mbx-apikey']).toBe('read-only-key-0001');
    const query = signed.url.search.slice(1);
    const [unsigned, signature] = query.split('&signature=');
    expect(signature).toBe(createHmac('sha256', 'sbx_sk_test_secret_value').update(unsigned!).digest('hex'));
    expect(signed.url.searchParams.get('recvWindow')).toBe('5000');
    expect(Number(signed.url.searchParams.get('timestamp'))).toBe(START);
  });

  it('refuses a key that can trade or withdraw with 422 naming the permission', async () => {
    const { binance } = setup({ keys: { 'my-trade-key': 'sbx_sk_a', 'my-withdraw-key': 'sbx_sk_b' } });
    const trading = await appErrorOf(binance.verifyReadOnly(apiKeyCredentials('my-trade-key', 'sbx_sk_a')));
    expect([trading.code, trading.status]).toEqual(['BROKER.KEY_NOT_READ_ONLY', 422]);
    expect(trading.detail).toContain('Spot & Margin Trading');
    const withdrawing = await appErrorOf(
      binance.verifyReadOnly(apiKeyCredentials('my-withdraw-key', 'sbx_sk_b')),
    );
    expect(withdrawing.detail).toContain('Withdrawals');
  });

  it('maps -2015 and -1022 to INVALID_KEY', async () => {
    const { binance, events } = setup();
    const unknown = await appErrorOf(binance.verifyReadOnly(apiKeyCredentials('who-is-this', 'sbx_sk_x')));
    expect([unknown.code, unknown.detail]).toEqual(['BROKER.INVALID_KEY', expect.stringContaining('-2015')]);
    const badSecret = await appErrorOf(
      binance.verifyReadOnly(apiKeyCredentials('read-only-key-0001', 'sbx_sk_wrong')),
    );
    expect(badSecret.code).toBe('BROKER.INVALID_KEY');
    expect(badSecret.detail).toContain('secret');
    expect(events.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.code)).toEqual([
      'BROKER.INVALID_KEY',
      'BROKER.INVALID_KEY',
    ]);
  });

  it('corrects for a skewed clock and re-syncs on -1021', async () => {
    const { binance, fake, server, time } = setup({ skewMs: 15_000 });
    await binance.verifyReadOnly(apiKeyCredentials());
    server.state.skewMs = 45_000;
    time.advance(60_000);
    await binance.verifyReadOnly(apiKeyCredentials());
    const paths = fake.calls.map((c) => c.url.pathname);
    expect(paths).toEqual([
      '/api/v3/time',
      '/sapi/v1/account/apiRestrictions',
      '/sapi/v1/account/apiRestrictions',
      '/api/v3/time',
      '/sapi/v1/account/apiRestrictions',
    ]);
    expect(
      fake.calls.map(
        (c) => c.url.pathname === '/sapi/v1/account/apiRestrictions' && c.url.searchParams.get('timestamp'),
      ),
    ).toContain(String(START + 60_000 + 45_000));
  });
});

describe('binance adapter: fills', () => {
  const since = new Date(START - 30 * DAY);
  const until = new Date(START);

  it('discovers symbols from balances, walks 24 h windows then fromId pages, and returns every trade once', async () => {
    const btc = generateTrades(2600, START - 20 * DAY, START - 1000);
    const eth = generateTrades(7, START - 40 * DAY, START - 2 * DAY, 50);
    const sol = generateTrades(3, START - 5 * DAY, START - 4 * DAY, 900);
    const { binance, fake } = setup({ trades: { BTCUSDT: btc, ETHUSDT: eth, SOLUSDT: sol } });
    const pages = await collect(
      binance.fetchFills({ credentials: apiKeyCredentials(), since, until, symbols: ['SOL-USDT'] }),
    );
    const fills = pages.flatMap((p) => p.fills);

    const expected = [...btc, ...eth.filter((t) => t.time >= since.getTime()), ...sol];
    expect(fills).toHaveLength(expected.length);
    expect(new Set(fills.map((f) => f.extId)).size).toBe(fills.length);
    expect(fills.find((f) => f.extId === `BTCUSDT:${btc[0]!.id}`)).toEqual({
      broker: 'binance',
      extId: `BTCUSDT:${btc[0]!.id}`,
      orderId: String(btc[0]!.id * 10),
      symbol: 'BTC-USDT',
      side: 'SELL',
      qty: '0.0001',
      price: '60000',
      fee: '0.001',
      feeAsset: 'BNB',
      ts: new Date(btc[0]!.time).toISOString(),
      isMaker: false,
      source: 'api',
    });
    for (const fill of fills) expect(RawFillSchema.parse(fill)).toEqual(fill);

    const tradeCalls = fake.calls.filter((c) => c.url.pathname === '/api/v3/myTrades');
    expect(new Set(tradeCalls.map((c) => c.url.searchParams.get('symbol')))).toEqual(
      new Set(['BTCUSDT', 'ETHUSDT', 'ETHBTC', 'SOLUSDT']),
    );
    expect(tradeCalls.every((c) => Number(c.url.searchParams.get('limit')) <= 1000)).toBe(true);
    const windowed = tradeCalls.filter((c) => c.url.searchParams.has('startTime'));
    expect(windowed.length).toBeGreaterThan(0);
    for (const call of windowed) {
      expect(call.url.searchParams.has('fromId')).toBe(false);
      expect(
        Number(call.url.searchParams.get('endTime')) - Number(call.url.searchParams.get('startTime')),
      ).toBeLessThan(DAY);
    }
    expect(tradeCalls.filter((c) => c.url.searchParams.has('fromId')).length).toBeGreaterThanOrEqual(3);
    const accountCall = fake.calls.find((c) => c.url.pathname === '/api/v3/account')!;
    expect(accountCall.url.searchParams.get('omitZeroBalances')).toBe('true');

    const state = SyncStateSchema.parse(
      JSON.parse(JSON.stringify(pages.at(-1)!.syncState)),
    ) as BinanceSyncState;
    expect(state).toEqual({
      broker: 'binance',
      lastIds: { BTCUSDT: btc.at(-1)!.id, ETHUSDT: eth.at(-1)!.id, SOLUSDT: sol.at(-1)!.id },
    });
  });

  it('fetches only what is new after a stored cursor', async () => {
    const btc = generateTrades(30, START - 3 * DAY, START - 2 * DAY);
    const trades = { BTCUSDT: btc };
    const { binance, fake, time } = setup({ trades });
    const first = await collect(binance.fetchFills({ credentials: apiKeyCredentials(), since, until }));
    const syncState = first.at(-1)!.syncState;
    const fresh = generateTrades(1200, START + 1000, START + 3600_000, btc.at(-1)!.id + 1);
    trades.BTCUSDT = [...btc, ...fresh];
    time.advance(2 * 3600_000);
    const callsBefore = fake.calls.length;
    const second = await collect(
      binance.fetchFills({
        credentials: apiKeyCredentials(),
        since,
        until: new Date(START + 2 * 3600_000),
        syncState,
      }),
    );
    expect(second.flatMap((p: FillPage) => p.fills).map((f) => f.extId)).toEqual(
      fresh.map((t) => `BTCUSDT:${t.id}`),
    );
    const btcCalls = fake.calls
      .slice(callsBefore)
      .filter((c) => c.url.searchParams.get('symbol') === 'BTCUSDT');
    expect(btcCalls.map((c) => c.url.searchParams.get('fromId'))).toEqual([
      String(btc.at(-1)!.id + 1),
      String(fresh[999]!.id + 1),
    ]);
  });

  it('slows down before the minute’s request weight runs out', async () => {
    const { binance, events, time } = setup({
      baseWeight: 4790,
      trades: { BTCUSDT: generateTrades(5, START - DAY, START - 1) },
    });
    const before = time.clock.now();
    await collect(binance.fetchFills({ credentials: apiKeyCredentials(), since, until }));
    const throttles = events.filter((e) => e.type === 'throttle');
    expect(throttles.length).toBeGreaterThan(0);
    const first = throttles[0]!;
    expect(first.type === 'throttle' && first.limit).toBe(6000);
    expect(time.clock.now() - before).toBeGreaterThanOrEqual(first.type === 'throttle' ? first.delayMs : 0);
  });

  it('rides out 429 with Retry-After and maps a long ban and -1127', async () => {
    let limited = 2;
    const fake = createFakeBinance({ now: () => START });
    const storm = createTestAdapters(
      (request) =>
        request.url.pathname === '/api/v3/klines' && limited-- > 0
          ? { status: 429, json: fixture('binance/error-1003.json'), headers: { 'retry-after': '2' } }
          : fake.handler(request),
      { startMs: START },
    );
    const candles = await storm.binance.fetchCandles({
      credentials: apiKeyCredentials(),
      symbol: 'BTC-USDT',
      since: new Date(START),
      until: new Date(START + 20 * 3600_000),
    });
    expect(candles).toHaveLength(3);
    expect(storm.time.sleeps).toEqual([2000, 2000]);

    const banned = createTestAdapters(() => ({
      status: 418,
      json: { code: -1003, msg: 'Way too much request weight used; IP banned until 1717250000000.' },
      headers: { 'retry-after': '3600' },
    }));
    const ban = await appErrorOf(
      banned.binance.fetchCandles({
        credentials: apiKeyCredentials(),
        symbol: 'BTCUSDT',
        since: new Date(START),
        until: new Date(START),
      }),
    );
    expect([ban.code, ban.headers?.['Retry-After']]).toEqual(['BROKER.RATE_LIMITED', '3600']);

    const tooWide = createTestAdapters(() => ({ status: 400, json: fixture('binance/error-1127.json') }));
    const rejected = await appErrorOf(
      tooWide.binance.fetchCandles({
        credentials: apiKeyCredentials(),
        symbol: 'BTCUSDT',
        since: new Date(START),
        until: new Date(START),
      }),
    );
    expect(rejected.code).toBe('BROKER.REQUEST_REJECTED');
    expect(rejected.detail).toContain('-1127');
  });
});

describe('binance adapter: candles', () => {
  it('requests 1h klines in windows of at most 1000 and keeps gaps', async () => {
    const { binance, fake } = setup();
    const candles = await binance.fetchCandles({
      credentials: apiKeyCredentials(),
      symbol: 'BTC-USDT',
      since: new Date(START - 60 * DAY),
      until: new Date(START + 10 * 3600_000),
    });
    const windows = fake.calls.filter((c) => c.url.pathname === '/api/v3/klines');
    expect(windows).toHaveLength(2);
    for (const call of windows) {
      const span =
        Number(call.url.searchParams.get('endTime')) - Number(call.url.searchParams.get('startTime')) + 1;
      expect(span / 3600_000).toBeLessThanOrEqual(1000);
      expect(call.url.searchParams.get('interval')).toBe('1h');
      expect(call.url.searchParams.get('symbol')).toBe('BTCUSDT');
    }
    expect(candles.map((c) => c.ts)).toEqual([
      '2024-06-01T00:00:00.000Z',
      '2024-06-01T01:00:00.000Z',
      '2024-06-01T03:00:00.000Z',
    ]);
    expect(candles[0]).toEqual({
      ts: '2024-06-01T00:00:00.000Z',
      open: '67600',
      high: '67750.1',
      low: '67512',
      close: '67701.99',
      volume: '412.55511',
    });
  });

  it('names an unknown symbol', async () => {
    const { binance } = setup();
    const error = await appErrorOf(
      binance.fetchCandles({
        credentials: apiKeyCredentials(),
        symbol: 'NOPE-USDT',
        since: new Date(START),
        until: new Date(START),
      }),
    );
    expect([error.code, error.status]).toEqual(['BROKER.UNKNOWN_SYMBOL', 422]);
  });
});

describe('createAdapters', () => {
  it('leaves Binance out unless enabled', () => {
    const adapters = createAdapters({
      coinbase: COINBASE_TEST_CONFIG,
      binance: { apiBaseUrl: 'https://x.test', enabled: false },
    });
    expect(adapters.binance).toBeUndefined();
    expect(adapters.get('coinbase').id).toBe('coinbase');
    expect(() => adapters.get('binance')).toThrow(expect.objectContaining({ code: 'BROKER.DISABLED' }));
    expect(adapters.breakerStates()).toEqual({ coinbase: 'closed', binance: 'closed' });
  });
});
