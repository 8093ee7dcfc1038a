import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COINBASE } from '../market/market.assets';
import { Market } from '../market/market.series';
import { createSandboxApp } from '../sandbox.app';
import { TraderBooks, visibleRange } from '../traders/trader.book';
import { SANDBOX_ACCOUNTS } from '../traders/trader.accounts';
import type { CoinbaseFill } from './coinbase-fills';
import { connectWithInject } from './coinbase.testing';

const NOW = new Date(Date.UTC(2026, 10, 25, 12, 34, 56));
const NOW_S = Math.floor(NOW.getTime() / 1000);
let app: FastifyInstance;
let demoToken: string;
let benchToken: string;

beforeAll(async () => {
  app = await createSandboxApp({ seed: 1, now: () => NOW });
  demoToken = (await connectWithInject(app, 'demo')).access_token;
  benchToken = (await connectWithInject(app, 'bench')).access_token;
});
afterAll(async () => {
  await app.close();
});

function get(url: string, accessToken = demoToken) {
  return app.inject({ url, headers: { authorization: `Bearer ${accessToken}` } });
}

async function allFills(query: string, limit: number, accessToken = demoToken): Promise<CoinbaseFill[]> {
  const out: CoinbaseFill[] = [];
  let cursor = '';
  do {
    const response = await get(
      `/api/v3/brokerage/orders/historical/fills?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`,
      accessToken,
    );
    expect(response.statusCode).toBe(200);
    const page = response.json() as { fills: CoinbaseFill[]; cursor: string };
    expect(page.fills.length).toBeLessThanOrEqual(limit);
    out.push(...page.fills);
    cursor = page.cursor;
  } while (cursor !== '');
  return out;
}

describe('GET /api/v3/brokerage/orders/historical/fills', () => {
  it('answers 401 "Unauthorized" without a valid bearer token', async () => {
    for (const headers of [{}, { authorization: 'Bearer sbx_at_nope' }, { authorization: 'Basic abc' }]) {
      const response = await app.inject({ url: '/api/v3/brokerage/orders/historical/fills', headers });
      expect(response.statusCode).toBe(401);
      expect(response.body).toBe('Unauthorized\n');
    }
  });

  it('pages newest first until the cursor is empty, each entry exactly once', async () => {
    const entries = await allFills('', 100);
    const ids = entries.map((f) => f.entry_id);
    expect(new Set(ids).size).toBe(ids.length);
    const sequence = entries.map((f) => Date.parse(f.sequence_timestamp));
    for (let i = 1; i < sequence.length; i++) expect(sequence[i]).toBeLessThanOrEqual(sequence[i - 1]!);
    for (const fill of entries) {
      expect(Date.parse(fill.trade_time)).toBeLessThanOrEqual(NOW.getTime());
      expect(Date.parse(fill.trade_time)).toBeGreaterThan(NOW.getTime() - 30 * 86_400_000);
    }
    const book = new TraderBooks(new Market(1), 1).book(COINBASE, 'demo', NOW.getTime());
    const [first, last] = visibleRange(book, NOW.getTime());
    expect(entries).toHaveLength(last - first);
    const spot = entries.filter((f) => f.trade_type === 'FILL' && f.product_id !== 'BTC-PERP-INTX');
    expect(Math.abs(spot.length / SANDBOX_ACCOUNTS.demo - 1)).toBeLessThanOrEqual(0.1);
  });

  it('returns the same entries whatever the page size', async () => {
    const reference = (await allFills('', 1000)).map((f) => f.entry_id);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 120 }), async (limit) => {
        expect((await allFills('', limit)).map((f) => f.entry_id)).toEqual(reference);
      }),
      { numRuns: 12 },
    );
  });

  it('speaks the real wire format: decimal strings, RFC 3339 times with 0, 3 or 6 digits', async () => {
    const entries = await allFills('', 1000, benchToken);
    const fractionDigits = new Set<number>();
    for (const fill of entries) {
      expect(Object.keys(fill)).toEqual([
        'entry_id',
        'trade_id',
        'order_id',
        'trade_time',
        'trade_type',
        'price',
        'size',
        'commission',
        'product_id',
        'sequence_timestamp',
        'liquidity_indicator',
        'size_in_quote',
        'user_id',
        'side',
        'retail_portfolio_id',
      ]);
      for (const field of [fill.price, fill.size, fill.commission]) expect(field).toMatch(/^\d+(\.\d+)?$/);
      const match = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.(\d+))?Z$/.exec(fill.trade_time);
      expect(match).not.toBeNull();
      fractionDigits.add(match![1]?.length ?? 0);
      expect(fill.sequence_timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
      expect(['BUY', 'SELL']).toContain(fill.side);
      expect(['MAKER', 'TAKER']).toContain(fill.liquidity_indicator);
      expect(fill.size_in_quote).toBe(false);
      expect(fill.order_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(fractionDigits).toEqual(new Set([0, 3, 6]));
    expect(new Set(entries.map((f) => f.trade_type))).toEqual(new Set(['FILL', 'REVERSAL', 'CORRECTION']));
    expect(new Set(entries.map((f) => f.product_id))).toEqual(
      new Set(['BTC-USD', 'ETH-USD', 'SOL-USD', 'BTC-PERP-INTX']),
    );
    const reversal = entries.find((f) => f.trade_type === 'REVERSAL')!;
    expect(entries.some((f) => f.trade_type === 'FILL' && f.trade_id === reversal.trade_id)).toBe(true);
  });

  it('filters by repeated product_ids and by sequence time window', async () => {
    const all = await allFills('', 1000);
    const some = await allFills('&product_ids=ETH-USD&product_ids=SOL-USD', 50);
    expect(some.map((f) => f.entry_id)).toEqual(
      all.filter((f) => f.product_id === 'ETH-USD' || f.product_id === 'SOL-USD').map((f) => f.entry_id),
    );
    const start = new Date(NOW.getTime() - 7 * 86_400_000).toISOString();
    const end = new Date(NOW.getTime() - 2 * 86_400_000).toISOString();
    const windowed = await allFills(`&start_sequence_timestamp=${start}&end_sequence_timestamp=${end}`, 40);
    expect(windowed.map((f) => f.entry_id)).toEqual(
      all
        .filter(
          (f) =>
            f.sequence_timestamp >= start.replace('Z', '000Z') &&
            Date.parse(f.sequence_timestamp) < Date.parse(end),
        )
        .map((f) => f.entry_id),
    );
    const bad = await get('/api/v3/brokerage/orders/historical/fills?start_sequence_timestamp=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'INVALID_ARGUMENT' });
  });

  it('reports rate-limit headers', async () => {
    const response = await get('/api/v3/brokerage/orders/historical/fills?limit=1');
    expect(response.headers['x-ratelimit-limit']).toBe('30');
    expect(Number(response.headers['x-ratelimit-remaining'])).toBeLessThan(30);
    expect(Number(response.headers['x-ratelimit-reset'])).toBe(NOW_S + 1);
  });
});

describe('GET /api/v3/brokerage/products/{product_id}/candles', () => {
  const candlesUrl = (start: number, end: number, extra = '') =>
    `/api/v3/brokerage/products/BTC-USD/candles?start=${start}&end=${end}&granularity=ONE_HOUR${extra}`;

  it('answers closed hourly candles newest first as strings, with gap hours omitted', async () => {
    const end = NOW_S - (NOW_S % 3600) + 3600;
    const response = await get(candlesUrl(end - 300 * 3600, end));
    expect(response.statusCode).toBe(200);
    const { candles } = response.json() as { candles: Record<string, string>[] };
    // The current hour is not closed, and every 240 hours have one hour without trades.
    expect(candles.length).toBeGreaterThanOrEqual(297);
    expect(candles.length).toBeLessThan(299);
    expect(Object.keys(candles[0]!)).toEqual(['start', 'low', 'high', 'open', 'close', 'volume']);
    expect(Number(candles[0]!.start)).toBe(end - 2 * 3600);
    for (let i = 1; i < candles.length; i++)
      expect(Number(candles[i]!.start)).toBeLessThan(Number(candles[i - 1]!.start));
    for (const candle of candles) {
      for (const value of Object.values(candle)) expect(value).toMatch(/^\d+(\.\d+)?$/);
      expect(Number(candle.low)).toBeLessThanOrEqual(Number(candle.open));
      expect(Number(candle.high)).toBeGreaterThanOrEqual(Number(candle.close));
    }
  });

  it('refuses more than 300 candles with the real error body, and honours limit', async () => {
    const tooMany = await get(candlesUrl(NOW_S - 301 * 3600, NOW_S));
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toEqual({
      error: 'INVALID_ARGUMENT',
      error_details:
        'start and end argument is invalid - number of candles requested should be less than 300',
      message: 'start and end argument is invalid - number of candles requested should be less than 300',
    });
    const limited = (await get(candlesUrl(NOW_S - 100 * 3600, NOW_S, '&limit=7'))).json();
    expect(limited.candles).toHaveLength(7);
    expect(
      (await get(candlesUrl(NOW_S - 3600, NOW_S).replace('ONE_HOUR', 'HOURLY'))).json().error_details,
    ).toBe('granularity argument is invalid');
    expect(
      (await get('/api/v3/brokerage/products/DOGE-USD/candles?start=1&end=2&granularity=ONE_HOUR'))
        .statusCode,
    ).toBe(404);
  });

  it('serves history from 40 days back, and prices every fill inside its candle', async () => {
    const fills = await allFills('&product_ids=ETH-USD', 1000);
    const oldest = NOW_S - 41 * 86_400;
    const candles = new Map<number, { low: number; high: number }>();
    for (let start = oldest; start < NOW_S; start += 300 * 3600) {
      const page = (
        await get(candlesUrl(start, Math.min(start + 300 * 3600, NOW_S)).replace('BTC-USD', 'ETH-USD'))
      ).json();
      for (const c of page.candles)
        candles.set(Number(c.start), { low: Number(c.low), high: Number(c.high) });
    }
    expect(Math.min(...candles.keys())).toBeLessThanOrEqual(oldest + 3600);
    for (const fill of fills.filter((f) => Date.parse(f.trade_time) < (NOW_S - (NOW_S % 3600)) * 1000)) {
      const hour = Math.floor(Date.parse(fill.trade_time) / 3_600_000) * 3600;
      const candle = candles.get(hour);
      expect(candle, `candle of ${fill.trade_time}`).toBeDefined();
      expect(Number(fill.price)).toBeGreaterThanOrEqual(candle!.low);
      expect(Number(fill.price)).toBeLessThanOrEqual(candle!.high);
    }
  });
});
