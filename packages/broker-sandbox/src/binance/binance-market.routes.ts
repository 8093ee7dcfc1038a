import type { FastifyInstance } from 'fastify';
import { formatScaled, QTY_SCALE } from '../core/decimal';
import { uniform } from '../core/hash';
import { EPOCH_MS, HOUR_MS, hourStartMs } from '../core/time';
import type { VenueSymbol } from '../market/market.assets';
import { BINANCE } from '../market/market.assets';
import type { SandboxState } from '../sandbox.state';
import { BinanceErrors, binanceFail, invalidParameter, missingParameter } from './binance.errors';
import { beginCall, integerParam } from './binance-request';
import { WEIGHT_LIMIT_PER_MINUTE } from './binance-weights';

/** Binance Spot's public endpoints: ping, server time, exchange information and hourly klines. */

export const BINANCE_SYMBOLS = new Map(BINANCE.symbols.map((s) => [s.symbol, s]));
const DEFAULT_KLINES = 500;
const MAX_KLINES = 1_000;
/** Average trade size in quote currency, to turn volume into a trade count. */
const AVERAGE_TRADE_QUOTE = 2_000;

function eightDecimals(units: bigint): string {
  return formatScaled(units, QTY_SCALE, 'fixed');
}

function symbolInfo(spec: VenueSymbol) {
  return {
    symbol: spec.symbol,
    status: 'TRADING',
    baseAsset: spec.base,
    baseAssetPrecision: 8,
    quoteAsset: spec.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: [
      'LIMIT',
      'LIMIT_MAKER',
      'MARKET',
      'STOP_LOSS',
      'STOP_LOSS_LIMIT',
      'TAKE_PROFIT',
      'TAKE_PROFIT_LIMIT',
    ],
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: true,
    filters: [
      {
        filterType: 'PRICE_FILTER',
        minPrice: '0.01000000',
        maxPrice: '1000000.00000000',
        tickSize: '0.01000000',
      },
      {
        filterType: 'LOT_SIZE',
        minQty: eightDecimals(BigInt(spec.qtyStepUnits)),
        maxQty: '9000.00000000',
        stepSize: eightDecimals(BigInt(spec.qtyStepUnits)),
      },
      {
        filterType: 'NOTIONAL',
        minNotional: '5.00000000',
        applyMinToMarket: true,
        maxNotional: '9000000.00000000',
        applyMaxToMarket: false,
        avgPriceMins: 5,
      },
    ],
    permissions: [],
    permissionSets: [['SPOT', 'MARGIN']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

/** `symbols` is a JSON array (`["BTCUSDT","BNBUSDT"]`); undefined when it is not one. */
function parseSymbolList(value: string): string[] | undefined {
  try {
    const list: unknown = JSON.parse(value);
    return Array.isArray(list) && list.every((s) => typeof s === 'string') ? list : undefined;
  } catch {
    return undefined;
  }
}

export function registerBinanceMarket(app: FastifyInstance, state: SandboxState): void {
  app.get('/api/v3/ping', async (request, reply) => {
    if (!beginCall(state, request, reply, 1)) return reply;
    return reply.send({});
  });

  app.get('/api/v3/time', async (request, reply) => {
    if (!beginCall(state, request, reply, 1)) return reply;
    return reply.send({ serverTime: state.nowMs() });
  });

  app.get('/api/v3/exchangeInfo', async (request, reply) => {
    const call = beginCall(state, request, reply, 20);
    if (!call) return reply;
    const one = call.params.get('symbol');
    const many = call.params.get('symbols');
    let names: string[] = [...BINANCE_SYMBOLS.keys()];
    if (one !== null && many !== null) return binanceFail(reply, BinanceErrors.badCombination);
    if (one !== null) names = [one];
    if (many !== null) {
      const list = parseSymbolList(many);
      if (!list || list.length === 0) return invalidParameter(reply, 'symbols');
      names = list;
    }
    if (names.some((name) => !BINANCE_SYMBOLS.has(name))) return binanceFail(reply, BinanceErrors.badSymbol);
    return reply.send({
      timezone: 'UTC',
      serverTime: state.nowMs(),
      rateLimits: [
        {
          rateLimitType: 'REQUEST_WEIGHT',
          interval: 'MINUTE',
          intervalNum: 1,
          limit: WEIGHT_LIMIT_PER_MINUTE,
        },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
        { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200_000 },
        { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61_000 },
      ],
      exchangeFilters: [],
      symbols: names.map((name) => symbolInfo(BINANCE_SYMBOLS.get(name)!)),
    });
  });

  app.get('/api/v3/klines', async (request, reply) => {
    const call = beginCall(state, request, reply, 2);
    if (!call) return reply;
    const symbol = call.params.get('symbol');
    if (!symbol) return missingParameter(reply, 'symbol');
    const spec = BINANCE_SYMBOLS.get(symbol);
    if (!spec) return binanceFail(reply, BinanceErrors.badSymbol);
    const interval = call.params.get('interval');
    if (!interval) return missingParameter(reply, 'interval');
    if (interval !== '1h') return binanceFail(reply, BinanceErrors.badInterval);
    const startTime = integerParam(call, reply, 'startTime');
    const endTime = integerParam(call, reply, 'endTime');
    const limitParam = integerParam(call, reply, 'limit');
    if (startTime === null || endTime === null || limitParam === null) return reply;
    if (limitParam !== undefined && limitParam < 1) return invalidParameter(reply, 'limit');
    const limit = Math.min(limitParam ?? DEFAULT_KLINES, MAX_KLINES);

    const series = state.market.asset(spec.asset);
    const hours = series.closedHours({
      oldest: startTime === undefined ? -Infinity : Math.ceil((startTime - EPOCH_MS) / HOUR_MS),
      newest: endTime === undefined ? Infinity : Math.floor((endTime - EPOCH_MS) / HOUR_MS),
      nowMs: state.nowMs(),
      limit,
      keep: startTime === undefined ? 'newest' : 'oldest',
    });
    return reply.send(
      hours.map((hour) => {
        const candle = series.candle(hour)!;
        const volume = BigInt(candle.volume * BINANCE.volumeFactor);
        const quoteVolume = (volume * BigInt(candle.open + candle.close)) / 200n;
        const takerShare = BigInt(Math.round((0.44 + 0.12 * uniform(series.key, 0x6b6c, hour)) * 1_000));
        const openTime = hourStartMs(hour);
        return [
          openTime,
          eightDecimals(BigInt(candle.open) * 1_000_000n),
          eightDecimals(BigInt(candle.high) * 1_000_000n),
          eightDecimals(BigInt(candle.low) * 1_000_000n),
          eightDecimals(BigInt(candle.close) * 1_000_000n),
          eightDecimals(volume),
          openTime + HOUR_MS - 1,
          eightDecimals(quoteVolume),
          Math.max(1, Math.round(Number(quoteVolume) / 1e8 / AVERAGE_TRADE_QUOTE)),
          eightDecimals((volume * takerShare) / 1_000n),
          eightDecimals((quoteVolume * takerShare) / 1_000n),
          '0',
        ];
      }),
    );
  });
}
