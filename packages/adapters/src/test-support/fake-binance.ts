import { createHmac } from 'node:crypto';
import type { FakeHandler, FakeRequest, FakeResponse } from './fake-fetch';
import { fixture } from './fake-fetch';

export interface FakeTrade {
  id: number;
  time: number;
  price: string;
  qty: string;
  isBuyer: boolean;
}

export interface FakeBinanceOptions {
  /** Local clock as the adapter sees it. */
  now: () => number;
  /** How far Binance's clock runs ahead of ours. */
  skewMs?: number;
  /** apiKey → secret; keys not listed answer -2015. */
  keys?: Record<string, string>;
  trades?: Record<string, FakeTrade[]>;
  /** Extra weight reported as already used this minute. */
  baseWeight?: number;
}

const WEIGHTS: Record<string, number> = {
  '/api/v3/time': 1,
  '/api/v3/exchangeInfo': 20,
  '/api/v3/account': 20,
  '/api/v3/myTrades': 20,
  '/api/v3/klines': 2,
  '/sapi/v1/account/apiRestrictions': 1,
};

const error = (status: number, code: number, msg: string): FakeResponse => ({ status, json: { code, msg } });

/**
 * A small Binance Spot double with the rules that matter to the adapter: HMAC signatures over the
 * exact query, recvWindow against its own clock, myTrades' parameter combinations (fromId never
 * with a time range, ranges of at most 24 h, at most 1000 rows) and the used-weight header.
 */
export function createFakeBinance(options: FakeBinanceOptions) {
  const state = { skewMs: options.skewMs ?? 0, weight: options.baseWeight ?? 0, minute: -1 };
  const keys = options.keys ?? { 'read-only-key-0001': 'sbx_sk_test_secret_value' };
  const trades = options.trades ?? {};
  const serverNow = () => options.now() + state.skewMs;

  const signedError = (request: FakeRequest): FakeResponse | undefined => {
    const apiKey = request.headers['x-mbx-apikey'];
    const secret = apiKey === undefined ? undefined : keys[apiKey];
    if (secret === undefined) return { status: 401, json: fixture('binance/error-2015.json') };
    const query = request.url.search.slice(1);
    const [unsigned, signature] = query.split('&signature=');
    if (!signature || createHmac('sha256', secret).update(unsigned!).digest('hex') !== signature) {
      return { status: 400, json: fixture('binance/error-1022.json') };
    }
    const timestamp = Number(request.url.searchParams.get('timestamp'));
    const recvWindow = Number(request.url.searchParams.get('recvWindow') ?? 5000);
    if (timestamp > serverNow() + 1000 || serverNow() - timestamp > recvWindow) {
      return { status: 400, json: fixture('binance/error-1021.json') };
    }
    return undefined;
  };

  const myTrades = (params: URLSearchParams): FakeResponse => {
    const symbol = params.get('symbol') ?? '';
    const limit = Math.min(Number(params.get('limit') ?? 500), 1000);
    const fromId = params.get('fromId');
    const start = params.get('startTime');
    const end = params.get('endTime');
    if (fromId !== null && (start !== null || end !== null)) {
      return error(400, -1128, 'Combination of optional parameters invalid.');
    }
    if (start !== null && end !== null && Number(end) - Number(start) > 24 * 3600_000) {
      return { status: 400, json: fixture('binance/error-1127.json') };
    }
    const all = trades[symbol] ?? [];
    let rows: FakeTrade[];
    if (fromId !== null) rows = all.filter((t) => t.id >= Number(fromId)).slice(0, limit);
    else if (start !== null || end !== null) {
      rows = all
        .filter((t) => (start === null || t.time >= Number(start)) && (end === null || t.time <= Number(end)))
        .slice(0, limit);
    } else rows = all.slice(-limit);
    return {
      json: rows.map((t) => ({
        symbol,
        id: t.id,
        orderId: t.id * 10,
        orderListId: -1,
        price: t.price,
        qty: t.qty,
        quoteQty: '0',
        commission: '0.00100000',
        commissionAsset: 'BNB',
        time: t.time,
        isBuyer: t.isBuyer,
        isMaker: false,
        isBestMatch: true,
      })),
    };
  };

  const route = (request: FakeRequest): FakeResponse => {
    const path = request.url.pathname;
    switch (path) {
      case '/api/v3/time':
        return { json: { serverTime: serverNow() } };
      case '/api/v3/exchangeInfo':
        return { json: fixture('binance/exchange-info.json') };
      case '/api/v3/klines':
        return { json: fixture('binance/klines-btcusdt.json') };
    }
    const rejected = signedError(request);
    if (rejected) return rejected;
    switch (path) {
      case '/api/v3/account':
        return { json: fixture('binance/account.json') };
      case '/api/v3/myTrades':
        return myTrades(request.url.searchParams);
      case '/sapi/v1/account/apiRestrictions': {
        const key = request.headers['x-mbx-apikey'] ?? '';
        if (key.includes('trade')) return { json: fixture('binance/api-restrictions-trading.json') };
        if (key.includes('withdraw')) return { json: fixture('binance/api-restrictions-withdrawals.json') };
        return { json: fixture('binance/api-restrictions-read-only.json') };
      }
      default:
        return { status: 404, text: 'Not Found' };
    }
  };

  const handler: FakeHandler = (request) => {
    const minute = Math.floor(serverNow() / 60_000);
    if (minute !== state.minute) {
      state.minute = minute;
      state.weight = options.baseWeight ?? 0;
    }
    state.weight += WEIGHTS[request.url.pathname] ?? 1;
    const response = route(request);
    return { ...response, headers: { 'x-mbx-used-weight-1m': String(state.weight), ...response.headers } };
  };

  return { handler, state, keys };
}

/** `count` trades spread evenly over [fromMs, toMs], ids from `firstId`. */
export function generateTrades(
  count: number,
  fromMs: number,
  toMs: number,
  firstId = 1_000_000,
): FakeTrade[] {
  const step = count > 1 ? (toMs - fromMs) / (count - 1) : 0;
  return Array.from({ length: count }, (_, i) => ({
    id: firstId + i,
    time: Math.round(fromMs + i * step),
    price: `${60000 + (i % 997)}.${String(i % 100).padStart(2, '0')}`,
    qty: `0.${String(1 + (i % 9999)).padStart(4, '0')}`,
    isBuyer: i % 3 !== 0,
  }));
}
