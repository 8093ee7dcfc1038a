import { RawFillSchema } from '@tt/shared';
import { describe, expect, it } from 'vitest';
import { collect, createTestAdapters, oauthCredentials } from '../test-support/adapters';
import { appErrorOf } from '../test-support/app-error';
import { fixture } from '../test-support/fake-fetch';
import { SyncStateSchema } from '../sync-state';
import type { FillPage } from '../types';

const since = new Date('2024-05-01T00:00:00Z');
const until = new Date('2024-06-01T00:00:00Z');

describe('coinbase adapter: fills', () => {
  it('follows the cursor until it is empty and normalises each fill', async () => {
    const { coinbase, fake } = createTestAdapters(({ url }) =>
      url.searchParams.get('cursor') === '789100'
        ? { json: fixture('coinbase/fills-page-2.json') }
        : { json: fixture('coinbase/fills-page-1.json') },
    );
    const pages = await collect(coinbase.fetchFills({ credentials: oauthCredentials(), since, until }));
    expect(pages).toHaveLength(2);
    expect(fake.calls.map((c) => c.url.pathname)).toEqual([
      '/api/v3/brokerage/orders/historical/fills',
      '/api/v3/brokerage/orders/historical/fills',
    ]);
    const first = fake.calls[0]!;
    expect(first.headers.authorization).toBe('Bearer sbx_at_test_access_token');
    expect(first.url.searchParams.get('start_sequence_timestamp')).toBe('2024-05-01T00:00:00Z');
    expect(first.url.searchParams.get('end_sequence_timestamp')).toBe('2024-06-01T00:00:00Z');
    expect(fake.calls[1]!.url.searchParams.get('cursor')).toBe('789100');

    const [page1, page2] = pages as [FillPage, FillPage];
    // REVERSAL, a perpetual and a dated future are skipped and counted.
    expect(page1.skipped).toBe(3);
    expect(page1.fills).toEqual([
      {
        broker: 'coinbase',
        extId: '9b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        orderId: '0b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e',
        symbol: 'BTC-USD',
        side: 'BUY',
        qty: '0.015',
        price: '67812.43',
        fee: '4.0687458',
        feeAsset: 'USD',
        ts: '2024-05-30T14:22:31.123456Z',
        isMaker: false,
        source: 'api',
      },
      expect.objectContaining({
        symbol: 'ETH-USDC',
        side: 'SELL',
        qty: '1.2',
        fee: '0',
        ts: '2024-05-30T09:00:05.000Z',
        isMaker: true,
      }),
    ]);
    expect(page2.fills.map((f) => [f.symbol, f.qty, f.ts])).toEqual([
      ['DOGE-USD', '1540.5', '2024-05-28T08:15:42.987Z'],
      // size_in_quote: 300 USD at 150 is 2 SOL.
      ['SOL-USD', '2', '2024-05-28T07:59:59.000001Z'],
    ]);
    expect(page2.fills[1]).not.toHaveProperty('isMaker');
    for (const fill of [...page1.fills, ...page2.fills]) expect(RawFillSchema.parse(fill)).toEqual(fill);
  });

  it('hands out the new cursor only with the last page, then starts there next time', async () => {
    const { coinbase, fake } = createTestAdapters(({ url }) =>
      url.searchParams.get('cursor')
        ? { json: fixture('coinbase/fills-page-2.json') }
        : { json: fixture('coinbase/fills-page-1.json') },
    );
    const stored = { broker: 'coinbase' as const, newestSequenceTimestamp: '2024-05-20T00:00:00.000Z' };
    const pages = await collect(
      coinbase.fetchFills({ credentials: oauthCredentials(), since, until, syncState: stored }),
    );
    expect(pages[0]!.syncState).toEqual(stored);
    expect(pages[1]!.syncState).toEqual({
      broker: 'coinbase',
      newestSequenceTimestamp: '2024-05-30T14:22:31.125907Z',
      newestTradeTime: '2024-05-30T14:22:31.123456Z',
    });
    expect(fake.calls[0]!.url.searchParams.get('start_sequence_timestamp')).toBe('2024-05-20T00:00:00Z');
    expect(SyncStateSchema.parse(JSON.parse(JSON.stringify(pages[1]!.syncState)))).toEqual(
      pages[1]!.syncState,
    );

    await collect(
      coinbase.fetchFills({ credentials: oauthCredentials(), since, until, syncState: pages[1]!.syncState }),
    );
    expect(fake.calls.at(-2)!.url.searchParams.get('start_sequence_timestamp')).toBe('2024-05-30T14:22:31Z');
  });

  it('repeats product_ids for a symbol filter and then leaves the cursor alone', async () => {
    const { coinbase, fake } = createTestAdapters(() => ({ json: fixture('coinbase/fills-page-2.json') }));
    const pages = await collect(
      coinbase.fetchFills({
        credentials: oauthCredentials(),
        since,
        until,
        symbols: ['BTC-USD', 'eth-usdc'],
      }),
    );
    expect(fake.calls[0]!.url.searchParams.getAll('product_ids')).toEqual(['BTC-USD', 'ETH-USDC']);
    expect(pages.at(-1)!.syncState).toEqual({ broker: 'coinbase' });
  });

  it('maps 401 to TOKEN_EXPIRED and 403 to PERMISSION_DENIED, and rejects malformed fills', async () => {
    const expired = createTestAdapters(() => ({
      status: 401,
      json: fixture('coinbase/error-unauthorized.json'),
    }));
    const e1 = await appErrorOf(
      collect(expired.coinbase.fetchFills({ credentials: oauthCredentials(), since, until })),
    );
    expect([e1.code, e1.status]).toEqual(['BROKER.TOKEN_EXPIRED', 401]);
    expect(expired.events).toContainEqual({
      type: 'error',
      broker: 'coinbase',
      operation: 'fills',
      code: 'BROKER.TOKEN_EXPIRED',
    });

    const denied = createTestAdapters(() => ({
      status: 403,
      json: fixture('coinbase/error-permission-denied.json'),
    }));
    expect(
      (
        await appErrorOf(
          collect(denied.coinbase.fetchFills({ credentials: oauthCredentials(), since, until })),
        )
      ).code,
    ).toBe('BROKER.PERMISSION_DENIED');

    const broken = createTestAdapters(() => ({
      json: {
        fills: [{ ...fixture<{ fills: object[] }>('coinbase/fills-page-1.json').fills[0], price: '6,7812' }],
        cursor: '',
      },
    }));
    expect(
      (
        await appErrorOf(
          collect(broken.coinbase.fetchFills({ credentials: oauthCredentials(), since, until })),
        )
      ).code,
    ).toBe('BROKER.BAD_RESPONSE');
  });

  it('asks the provider for the token before every page', async () => {
    let gets = 0;
    const { coinbase } = createTestAdapters(({ url }) =>
      url.searchParams.get('cursor')
        ? { json: fixture('coinbase/fills-page-2.json') }
        : { json: fixture('coinbase/fills-page-1.json') },
    );
    const provider = oauthCredentials();
    await collect(
      coinbase.fetchFills({ credentials: { get: () => ((gets += 1), provider.get()) }, since, until }),
    );
    expect(gets).toBe(2);
  });
});

describe('coinbase adapter: candles', () => {
  it('asks for ONE_HOUR windows of at most 300 candles and keeps gaps', async () => {
    const { coinbase, fake } = createTestAdapters(({ url }) =>
      url.searchParams.get('start') === '1716163200'
        ? { json: fixture('coinbase/candles-btc-usd.json') }
        : { json: { candles: [] } },
    );
    const candles = await coinbase.fetchCandles({
      credentials: oauthCredentials(),
      symbol: 'BTC-USD',
      since: new Date('2024-05-20T00:00:00Z'),
      until: new Date('2024-07-10T00:00:00Z'),
    });
    const windows = fake.calls.map((c) => [
      Number(c.url.searchParams.get('start')),
      Number(c.url.searchParams.get('end')),
    ]);
    expect(windows).toHaveLength(5);
    for (const [start, end] of windows) expect((end! - start! + 1) / 3600).toBeLessThanOrEqual(300);
    expect(windows[1]![0]).toBe(windows[0]![1]! + 1);
    expect(fake.calls[0]!.url.pathname).toBe('/api/v3/brokerage/products/BTC-USD/candles');
    expect(fake.calls[0]!.url.searchParams.get('granularity')).toBe('ONE_HOUR');
    expect(candles.map((c) => c.ts)).toEqual([
      '2024-06-01T02:00:00.000Z',
      '2024-06-01T03:00:00.000Z',
      '2024-06-01T05:00:00.000Z',
    ]);
    expect(candles[0]).toEqual({
      ts: '2024-06-01T02:00:00.000Z',
      open: '67001',
      high: '67210',
      low: '66950.5',
      close: '67150.3',
      volume: '110.00000001',
    });
  });

  it('maps an unknown product to UNKNOWN_SYMBOL', async () => {
    const { coinbase } = createTestAdapters(() => ({
      status: 404,
      json: { error: 'NOT_FOUND', message: 'product not found' },
    }));
    const error = await appErrorOf(
      coinbase.fetchCandles({
        credentials: oauthCredentials(),
        symbol: 'NOPE-USD',
        since,
        until: new Date(since.getTime() + 3600_000),
      }),
    );
    expect(error.code).toBe('BROKER.UNKNOWN_SYMBOL');
  });
});
