import type { FastifyInstance } from 'fastify';
import { formatScaled, QTY_SCALE } from '../core/decimal';
import { mix, uniform } from '../core/hash';
import { rawQuery } from '../core/paths';
import { upperBound } from '../core/search';
import { DAY_MS, HISTORY_MS } from '../core/time';
import { BINANCE } from '../market/market.assets';
import type { SandboxState } from '../sandbox.state';
import { TRADER_PROFILES } from '../traders/trader.accounts';
import type { SandboxAccount } from '../traders/trader.accounts';
import { BinanceErrors, binanceFail, invalidParameter, missingParameter } from './binance.errors';
import type { BinanceKey } from './binance-keys';
import { BINANCE_SYMBOLS } from './binance-market.routes';
import { authenticateSigned, beginCall, integerParam } from './binance-request';
import type { BinanceTrade } from './binance-trades';
import { binanceTrades, toBinanceTrade } from './binance-trades';

/** Binance Spot's signed account endpoints: account information, the trade list and the key's permissions. */

const DEFAULT_TRADES = 500;
const MAX_TRADES = 1_000;
/** Typical holdings per asset (a balance is drawn between half and one and a half times this). */
const HOLDINGS: Readonly<Record<string, number>> = { BTC: 0.4, ETH: 4, SOL: 60, BNB: 8, USDT: 12_000 };
const ZERO_ASSETS = ['LTC', 'XRP', 'ADA', 'DOGE'];

function balancesOf(account: SandboxAccount, seed: number) {
  const accountKey = mix(seed, BINANCE.index, TRADER_PROFILES[account].index);
  const held = Object.entries(HOLDINGS).map(([asset, typical], i) => {
    const units = Math.round(typical * (0.5 + uniform(accountKey, 0x62616c, i)) * 1e8);
    return { asset, free: formatScaled(BigInt(units), QTY_SCALE, 'fixed'), locked: '0.00000000' };
  });
  return [...held, ...ZERO_ASSETS.map((asset) => ({ asset, free: '0.00000000', locked: '0.00000000' }))];
}

/** Trades of the list with a time within the last 30 days and not after now, as an index range. */
function visible(list: readonly BinanceTrade[], nowMs: number): [number, number] {
  const timeAt = (i: number) => list[i]!.timeMs;
  return [upperBound(list.length, timeAt, nowMs - HISTORY_MS), upperBound(list.length, timeAt, nowMs)];
}

function restrictions(key: BinanceKey) {
  return {
    ipRestrict: false,
    createTime: key.createTimeMs,
    enableReading: true,
    enableWithdrawals: key.enableWithdrawals,
    enableInternalTransfer: false,
    enableMargin: false,
    enableFutures: false,
    permitsUniversalTransfer: false,
    enableVanillaOptions: false,
    enableFixApiTrade: false,
    enableFixReadOnly: true,
    enableSpotAndMarginTrading: key.enableSpotAndMarginTrading,
    enablePortfolioMarginTrading: false,
  };
}

export function registerBinanceAccount(app: FastifyInstance, state: SandboxState): void {
  app.get('/api/v3/account', async (request, reply) => {
    const call = beginCall(state, request, reply, 20);
    const key = call && authenticateSigned(state, request, reply, call);
    if (!key) return reply;
    const nowMs = state.nowMs();
    const book = state.books.book(BINANCE, key.account, nowMs);
    const lastTrade = binanceTrades(book)
      .map((list) => list[visible(list, nowMs)[1] - 1]?.timeMs ?? 0)
      .reduce((a, b) => Math.max(a, b), 0);
    return reply.send({
      makerCommission: 10,
      takerCommission: 10,
      buyerCommission: 0,
      sellerCommission: 0,
      commissionRates: {
        maker: '0.00100000',
        taker: '0.00100000',
        buyer: '0.00000000',
        seller: '0.00000000',
      },
      canTrade: true,
      canWithdraw: true,
      canDeposit: true,
      brokered: false,
      requireSelfTradePrevention: false,
      preventSor: false,
      updateTime: lastTrade,
      accountType: 'SPOT',
      balances: balancesOf(key.account, state.seed),
      permissions: ['SPOT'],
      uid: mix(state.seed, TRADER_PROFILES[key.account].index, 0x756964) % 1_000_000_000,
    });
  });

  app.get('/api/v3/myTrades', async (request, reply) => {
    const withOrderId = new URLSearchParams(rawQuery(request)).has('orderId');
    const call = beginCall(state, request, reply, withOrderId ? 5 : 20);
    const key = call && authenticateSigned(state, request, reply, call);
    if (!call || !key) return reply;
    const symbol = call.params.get('symbol');
    if (!symbol) return missingParameter(reply, 'symbol');
    const spec = BINANCE_SYMBOLS.get(symbol);
    if (!spec) return binanceFail(reply, BinanceErrors.badSymbol);
    const orderId = integerParam(call, reply, 'orderId');
    const startTime = integerParam(call, reply, 'startTime');
    const endTime = integerParam(call, reply, 'endTime');
    const fromId = integerParam(call, reply, 'fromId');
    const limitParam = integerParam(call, reply, 'limit');
    if (orderId === null || startTime === null || endTime === null || fromId === null || limitParam === null)
      return reply;
    if (limitParam !== undefined && limitParam < 1) return invalidParameter(reply, 'limit');
    const limit = Math.min(limitParam ?? DEFAULT_TRADES, MAX_TRADES);
    const timed = startTime !== undefined || endTime !== undefined;
    if ((fromId !== undefined || orderId !== undefined) && timed)
      return binanceFail(reply, BinanceErrors.badCombination);
    if (startTime !== undefined && endTime !== undefined && endTime - startTime > DAY_MS) {
      return binanceFail(reply, BinanceErrors.windowTooLong);
    }

    const nowMs = state.nowMs();
    const list = binanceTrades(state.books.book(BINANCE, key.account, nowMs))[BINANCE.symbols.indexOf(spec)]!;
    const [first, end] = visible(list, nowMs);
    let picked: BinanceTrade[];
    if (orderId !== undefined) {
      picked = list
        .slice(first, end)
        .filter((t) => t.orderId === orderId && (fromId === undefined || t.id >= fromId));
      picked = picked.slice(0, limit);
    } else if (fromId !== undefined) {
      const from = list.slice(first, end).findIndex((t) => t.id >= fromId);
      picked = from === -1 ? [] : list.slice(first + from, Math.min(end, first + from + limit));
    } else if (timed) {
      const from = startTime ?? endTime! - DAY_MS;
      const to = endTime ?? startTime! + DAY_MS;
      picked = list
        .slice(first, end)
        .filter((t) => t.timeMs >= from && t.timeMs <= to)
        .slice(0, limit);
    } else {
      picked = list.slice(Math.max(first, end - limit), end);
    }
    return reply.send(picked.map((trade) => toBinanceTrade(trade, state.market, state.seed)));
  });

  app.get('/sapi/v1/account/apiRestrictions', async (request, reply) => {
    const call = beginCall(state, request, reply, 1, 'sapi');
    const key = call && authenticateSigned(state, request, reply, call);
    if (!key) return reply;
    return reply.send(restrictions(key));
  });
}
