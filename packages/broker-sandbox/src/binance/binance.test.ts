import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxApp } from '../sandbox.app';
import { SANDBOX_ACCOUNTS } from '../traders/trader.accounts';
import type { BinanceTradeWire } from './binance-trades';

let nowMs = Date.UTC(2026, 10, 25, 12, 34, 56);
let app: FastifyInstance;
const READ_KEY = 'demo-readonly-key';
const SECRET = 'sbx_sk_read-only-secret';

beforeAll(async () => {
  app = await createSandboxApp({ seed: 1, now: () => new Date(nowMs) });
  const created = await app.inject({
    method: 'POST',
    url: '/__sandbox/binance/keys',
    payload: { apiKey: READ_KEY, secret: SECRET },
  });
  expect(created.statusCode).toBe(201);
});
afterAll(async () => {
  await app.close();
});

function sign(query: string, secret = SECRET): string {
  return createHmac('sha256', secret).update(query).digest('hex');
}

function signed(
  path: string,
  params: Record<string, string | number> = {},
  options: { key?: string; secret?: string; timestamp?: number } = {},
) {
  const query = new URLSearchParams({
    ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
    timestamp: String(options.timestamp ?? nowMs),
  }).toString();
  return app.inject({
    url: `${path}?${query}&signature=${sign(query, options.secret)}`,
    headers: { 'x-mbx-apikey': options.key ?? READ_KEY },
  });
}

function advanceMinute(): void {
  nowMs += 60_000;
}

async function registerKey(apiKey: string, secret?: string) {
  return app.inject({
    method: 'POST',
    url: '/__sandbox/binance/keys',
    payload: secret ? { apiKey, secret } : { apiKey },
  });
}

describe('Binance signed requests', () => {
  it('accepts a signed request and reports the weight used', async () => {
    advanceMinute();
    const response = await signed('/api/v3/account', { recvWindow: 5000 });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-mbx-used-weight-1m']).toBe('20');
    const account = response.json();
    expect(account).toMatchObject({ canTrade: true, accountType: 'SPOT', permissions: ['SPOT'] });
    const held = account.balances
      .filter((b: { free: string }) => b.free !== '0.00000000')
      .map((b: { asset: string }) => b.asset);
    expect(held).toEqual(expect.arrayContaining(['BTC', 'ETH', 'SOL', 'BNB', 'USDT']));
  });

  it('answers -2014 without a key, -2015 for an unknown key, -1022 for a bad signature, -1102 without a timestamp', async () => {
    const noKey = await app.inject({ url: `/api/v3/account?timestamp=${nowMs}&signature=00` });
    expect(noKey.statusCode).toBe(401);
    expect(noKey.json()).toEqual({ code: -2014, msg: 'API-key format invalid.' });
    const unknown = await signed('/api/v3/account', {}, { key: 'never-registered' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual({ code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' });
    const badSignature = await signed('/api/v3/account', {}, { secret: 'sbx_sk_another-secret' });
    expect(badSignature.statusCode).toBe(400);
    expect(badSignature.json()).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });
    const noTimestamp = await app.inject({
      url: `/api/v3/account?signature=${sign('')}`,
      headers: { 'x-mbx-apikey': READ_KEY },
    });
    expect(noTimestamp.json()).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
    });
  });

  it('answers -1021 outside recvWindow or ahead of the server clock', async () => {
    const late = await signed('/api/v3/account', {}, { timestamp: nowMs - 5_001 });
    expect(late.json()).toEqual({
      code: -1021,
      msg: 'Timestamp for this request is outside of the recvWindow.',
    });
    expect(
      (await signed('/api/v3/account', { recvWindow: 10_000 }, { timestamp: nowMs - 5_001 })).statusCode,
    ).toBe(200);
    const ahead = await signed('/api/v3/account', {}, { timestamp: nowMs + 1_000 });
    expect(ahead.json()).toEqual({
      code: -1021,
      msg: "Timestamp for this request was 1000ms ahead of the server's time.",
    });
    expect((await signed('/api/v3/account', { recvWindow: 60_001 })).json().code).toBe(-1131);
  });

  it('remembers the first secret of a key and derives permissions and account from its name', async () => {
    expect((await registerKey(READ_KEY, 'sbx_sk_other')).statusCode).toBe(409);
    expect((await registerKey(READ_KEY, SECRET)).statusCode).toBe(200);
    expect((await registerKey('bad key')).statusCode).toBe(400);
    expect((await registerKey('k', 'not-a-sandbox-secret')).statusCode).toBe(400);
    const trade = (await registerKey('bench-trade-key')).json();
    expect(trade.secret).toMatch(/^sbx_sk_/);
    expect(trade).toMatchObject({
      account: 'bench',
      enableSpotAndMarginTrading: true,
      enableWithdrawals: false,
    });
    const restrictions = await signed(
      '/sapi/v1/account/apiRestrictions',
      {},
      { key: 'bench-trade-key', secret: trade.secret },
    );
    expect(restrictions.headers['x-sapi-used-ip-weight-1m']).toBeDefined();
    expect(restrictions.json()).toMatchObject({
      enableReading: true,
      enableSpotAndMarginTrading: true,
      enableWithdrawals: false,
      ipRestrict: false,
    });
    const readOnly = (await signed('/sapi/v1/account/apiRestrictions')).json();
    expect(readOnly).toMatchObject({
      enableReading: true,
      enableSpotAndMarginTrading: false,
      enableWithdrawals: false,
    });
    const withdraw = (await registerKey('scale-withdraw-key', 'sbx_sk_w')).json();
    expect(withdraw).toMatchObject({ account: 'scale', enableWithdrawals: true });
  });
});

describe('GET /api/v3/myTrades', () => {
  async function walk(symbol: string, limit: number): Promise<BinanceTradeWire[]> {
    const out: BinanceTradeWire[] = [];
    let fromId = 0;
    for (;;) {
      const response = await signed('/api/v3/myTrades', { symbol, fromId, limit });
      expect(response.statusCode).toBe(200);
      const page = response.json() as BinanceTradeWire[];
      out.push(...page);
      if (page.length < limit) return out;
      fromId = page.at(-1)!.id + 1;
    }
  }

  it('requires a symbol and refuses windows over 24 hours and mixed paging', async () => {
    expect((await signed('/api/v3/myTrades')).json()).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
    });
    expect((await signed('/api/v3/myTrades', { symbol: 'DOGEUSDT' })).json()).toEqual({
      code: -1121,
      msg: 'Invalid symbol.',
    });
    const window = await signed('/api/v3/myTrades', {
      symbol: 'BTCUSDT',
      startTime: nowMs - 86_400_001,
      endTime: nowMs,
    });
    expect(window.statusCode).toBe(400);
    expect(window.json()).toEqual({ code: -1127, msg: 'More than 24 hours between startTime and endTime.' });
    expect(
      (await signed('/api/v3/myTrades', { symbol: 'BTCUSDT', startTime: nowMs - 86_400_000, endTime: nowMs }))
        .statusCode,
    ).toBe(200);
    expect(
      (await signed('/api/v3/myTrades', { symbol: 'BTCUSDT', fromId: 1, startTime: nowMs - 1000 })).json()
        .code,
    ).toBe(-1128);
  });

  it('pages by fromId inclusively, in id order, every trade once', async () => {
    const all = (
      await Promise.all(['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT'].map((s) => walk(s, 1000)))
    ).flat();
    expect(Math.abs(all.length / SANDBOX_ACCOUNTS.demo - 1)).toBeLessThanOrEqual(0.1);
    const btc = all.filter((t) => t.symbol === 'BTCUSDT');
    for (let i = 1; i < btc.length; i++) {
      expect(btc[i]!.id).toBeGreaterThan(btc[i - 1]!.id);
      expect(btc[i]!.time).toBeGreaterThanOrEqual(btc[i - 1]!.time);
    }
    const pivot = btc[Math.floor(btc.length / 2)]!;
    const from = (await signed('/api/v3/myTrades', { symbol: 'BTCUSDT', fromId: pivot.id, limit: 3 })).json();
    expect(from[0]).toEqual(pivot);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 60 }), async (limit) => {
        // Each walk in a fresh minute: small pages spend a lot of request weight.
        advanceMinute();
        expect((await walk('BTCUSDT', limit)).map((t) => t.id)).toEqual(btc.map((t) => t.id));
      }),
      { numRuns: 6 },
    );
  });

  it('speaks the real wire format, with commissions in BNB, the base or the quote asset', async () => {
    const trades = (
      await signed('/api/v3/myTrades', { symbol: 'ETHUSDT', limit: 1000 })
    ).json() as BinanceTradeWire[];
    expect(trades.length).toBeGreaterThan(20);
    expect(Object.keys(trades[0]!)).toEqual([
      'symbol',
      'id',
      'orderId',
      'orderListId',
      'price',
      'qty',
      'quoteQty',
      'commission',
      'commissionAsset',
      'time',
      'isBuyer',
      'isMaker',
      'isBestMatch',
    ]);
    for (const trade of trades) {
      expect(trade.price).toMatch(/^\d+\.\d{8}$/);
      expect(trade.qty).toMatch(/^\d+\.\d{8}$/);
      expect(trade.quoteQty).toMatch(/^\d+(\.\d+)?$/);
      expect(trade.commission).toMatch(/^\d+\.\d{8}$/);
      expect(trade.orderListId).toBe(-1);
      expect(trade.time).toBeLessThanOrEqual(nowMs);
    }
    const assets = new Set(trades.map((t) => t.commissionAsset));
    expect(assets).toEqual(new Set(['BNB', 'ETH', 'USDT']));
    const window = (
      await signed('/api/v3/myTrades', { symbol: 'ETHUSDT', startTime: nowMs - 86_400_000, endTime: nowMs })
    ).json();
    expect(window).toEqual(trades.filter((t) => t.time >= nowMs - 86_400_000));
  });
});

describe('Binance request weight', () => {
  it('answers 429 with Retry-After past 6,000 a minute, then bans an IP that keeps going', async () => {
    advanceMinute();
    nowMs = Math.ceil(nowMs / 60_000) * 60_000 + 1_000;
    for (let i = 0; i < 300; i++)
      expect((await app.inject({ url: '/api/v3/exchangeInfo' })).statusCode).toBe(200);
    const limited = await app.inject({ url: '/api/v3/exchangeInfo' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('59');
    expect(limited.json()).toMatchObject({ code: -1003 });
    expect(limited.json().msg).toContain('current limit is 6000 request weight per 1 MINUTE');
    let banned;
    for (let i = 0; i < 10; i++) banned = await app.inject({ url: '/api/v3/time' });
    expect(banned!.statusCode).toBe(418);
    expect(Number(banned!.headers['retry-after'])).toBe(120);
    nowMs += 121_000;
    const after = await app.inject({ url: '/api/v3/time' });
    expect(after.statusCode).toBe(200);
    expect(after.headers['x-mbx-used-weight-1m']).toBe('1');
  });
});

describe('Binance market data', () => {
  it('answers time, exchangeInfo and hourly klines in the real shapes', async () => {
    advanceMinute();
    expect((await app.inject({ url: '/api/v3/time' })).json()).toEqual({ serverTime: nowMs });
    const info = (
      await app.inject({ url: `/api/v3/exchangeInfo?symbols=${encodeURIComponent('["BTCUSDT","BNBUSDT"]')}` })
    ).json();
    expect(
      info.symbols.map((s: { symbol: string; baseAsset: string; quoteAsset: string; status: string }) => [
        s.symbol,
        s.baseAsset,
        s.quoteAsset,
        s.status,
      ]),
    ).toEqual([
      ['BTCUSDT', 'BTC', 'USDT', 'TRADING'],
      ['BNBUSDT', 'BNB', 'USDT', 'TRADING'],
    ]);
    expect((await app.inject({ url: '/api/v3/exchangeInfo?symbol=NOPE' })).json()).toEqual({
      code: -1121,
      msg: 'Invalid symbol.',
    });

    const klines = (
      await app.inject({ url: '/api/v3/klines?symbol=SOLUSDT&interval=1h&limit=1000' })
    ).json() as unknown[][];
    expect(klines).toHaveLength(1000);
    const lastOpen = klines.at(-1)![0] as number;
    expect(lastOpen + 3_600_000).toBeLessThanOrEqual(nowMs);
    expect(nowMs - lastOpen).toBeLessThan(2 * 3_600_000);
    const opens = klines.map((k) => k[0] as number);
    const gaps = opens.slice(1).filter((open, i) => open - opens[i]! > 3_600_000);
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    for (const kline of klines) {
      expect(kline).toHaveLength(12);
      expect(kline[6]).toBe((kline[0] as number) + 3_599_999);
      for (const i of [1, 2, 3, 4, 5, 7, 9, 10]) expect(kline[i]).toMatch(/^\d+\.\d{8}$/);
      expect(Number(kline[3])).toBeLessThanOrEqual(Number(kline[1]));
      expect(Number(kline[2])).toBeGreaterThanOrEqual(Number(kline[4]));
    }
    const ranged = (
      await app.inject({ url: `/api/v3/klines?symbol=SOLUSDT&interval=1h&startTime=${opens[10]}&limit=5` })
    ).json() as unknown[][];
    expect(ranged.map((k) => k[0])).toEqual(opens.slice(10, 15));
    expect(
      (await app.inject({ url: '/api/v3/klines?symbol=SOLUSDT&interval=1h&limit=5000' })).json(),
    ).toHaveLength(1000);
    expect((await app.inject({ url: '/api/v3/klines?symbol=SOLUSDT&interval=1m' })).json()).toEqual({
      code: -1120,
      msg: 'Invalid interval.',
    });
  });
});

describe('Binance API key page', () => {
  it('offers a labelled form and shows the key and secret it creates', async () => {
    const form = await app.inject({ url: '/binance/api-keys' });
    expect(form.statusCode).toBe(200);
    expect(form.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(form.body).toContain('<label for="apiKey">Key name</label>');
    expect(form.body).toContain('<button type="submit">Create key</button>');
    expect(form.body).not.toMatch(/<script/i);
    const created = await app.inject({
      method: 'POST',
      url: '/binance/api-keys',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'apiKey=page-made-key&secret=',
    });
    expect(created.statusCode).toBe(201);
    const secret = /<dt>Secret<\/dt><dd><code>(sbx_sk_[^<]+)<\/code>/.exec(created.body)?.[1];
    expect(secret).toBeDefined();
    expect((await signed('/api/v3/account', {}, { key: 'page-made-key', secret })).statusCode).toBe(200);
  });
});
