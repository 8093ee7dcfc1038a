import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatScaled, PRICE_SCALE, QTY_SCALE } from '../core/decimal';
import { EPOCH_MS, HISTORY_MS, HOUR_MS, hourStartMs, parseRfc3339 } from '../core/time';
import { COINBASE } from '../market/market.assets';
import type { SandboxState } from '../sandbox.state';
import { TRADER_PROFILES } from '../traders/trader.accounts';
import type { AccessGrant } from './coinbase-oauth.store';
import {
  coinbaseIndex,
  coinbaseOwner,
  decodeCursor,
  encodeCursor,
  positionAfter,
  productOf,
  toCoinbaseFill,
} from './coinbase-fills';
import type { CoinbaseFill } from './coinbase-fills';
import { brokerageError, brokerageUnauthorized } from './coinbase.errors';

/**
 * Coinbase Advanced Trade as the sandbox serves it to an OAuth access token: List Fills and Get
 * Product Candles, with `x-ratelimit-*` headers (30 requests per second per token, reported, not
 * enforced; inject 429s through the fault endpoint).
 */

const DEFAULT_FILL_LIMIT = 100;
const MAX_FILL_LIMIT = 1_000;
/** The most candles one request may ask for. */
const MAX_CANDLES = 300;
const RATE_LIMIT_PER_SECOND = 30;
const GRANULARITY_SECONDS: Readonly<Record<string, number>> = {
  ONE_MINUTE: 60,
  FIVE_MINUTE: 300,
  FIFTEEN_MINUTE: 900,
  THIRTY_MINUTE: 1_800,
  ONE_HOUR: 3_600,
  TWO_HOUR: 7_200,
  FOUR_HOUR: 14_400,
  SIX_HOUR: 21_600,
  ONE_DAY: 86_400,
};
const SPOT_PRODUCTS = new Map(COINBASE.symbols.map((s) => [s.symbol, s]));

/** Query values Fastify parsed: a repeated key arrives as an array. */
function many(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
}

/** A single query value; a repeated key is not one. */
function one(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

class RateWindow {
  private second = -1;
  private readonly counts = new Map<string, number>();

  /** Counts a request of `token` and answers the headers Coinbase sends. */
  headers(token: string, nowMs: number): Record<string, string> {
    const second = Math.floor(nowMs / 1000);
    if (second !== this.second) {
      this.second = second;
      this.counts.clear();
    }
    const used = (this.counts.get(token) ?? 0) + 1;
    this.counts.set(token, used);
    return {
      'x-ratelimit-limit': String(RATE_LIMIT_PER_SECOND),
      'x-ratelimit-remaining': String(Math.max(0, RATE_LIMIT_PER_SECOND - used)),
      'x-ratelimit-reset': String(second + 1),
    };
  }
}

export function registerCoinbaseBrokerage(app: FastifyInstance, state: SandboxState): void {
  const rates = new RateWindow();
  // The grant each authenticated request carries, without widening Fastify's request type for everyone.
  const grants = new WeakMap<FastifyRequest, AccessGrant>();

  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const grant = match ? state.oauth.authenticate(match[1]!) : undefined;
    if (!grant) return brokerageUnauthorized(reply);
    grants.set(request, grant);
    void reply.headers(rates.headers(grant.token, state.nowMs()));
    return undefined;
  };

  app.get(
    '/api/v3/brokerage/orders/historical/fills',
    { preHandler: authenticate },
    async (request, reply) => {
      const grant = grants.get(request)!;
      const query = (request.query ?? {}) as Record<string, unknown>;
      const products = new Set([...many(query.product_ids), ...many(query.product_id)]);
      const orderIds = new Set([...many(query.order_ids), ...many(query.order_id)]);
      const tradeIds = new Set(many(query.trade_ids));
      const limitText = one(query.limit);
      const limit = limitText === undefined ? DEFAULT_FILL_LIMIT : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1) {
        return brokerageError(reply, 400, 'INVALID_ARGUMENT', 'limit must be a positive integer');
      }
      const startText = one(query.start_sequence_timestamp);
      const endText = one(query.end_sequence_timestamp);
      const startUs = startText ? parseRfc3339(startText) : Number.NEGATIVE_INFINITY;
      const endUs = endText ? parseRfc3339(endText) : Number.POSITIVE_INFINITY;
      if (startUs === undefined || endUs === undefined) {
        return brokerageError(
          reply,
          400,
          'INVALID_ARGUMENT',
          'start_sequence_timestamp and end_sequence_timestamp must be RFC 3339 times',
        );
      }
      const cursorText = one(query.cursor);
      const cursor = cursorText ? decodeCursor(cursorText) : undefined;
      if (cursorText && !cursor) return brokerageError(reply, 400, 'INVALID_ARGUMENT', 'cursor is invalid');

      const nowMs = state.nowMs();
      const book = state.books.book(COINBASE, grant.account, nowMs);
      const index = coinbaseIndex(book);
      const newestUs = nowMs * 1000;
      const oldestUs = (nowMs - HISTORY_MS) * 1000;
      const owner = coinbaseOwner(state.seed, TRADER_PROFILES[grant.account].index);
      const pageSize = Math.min(limit, MAX_FILL_LIMIT);
      const fills: CoinbaseFill[] = [];
      let last = -1;
      let more = false;
      for (
        let i = cursor ? positionAfter(index, cursor.sequenceUs, cursor.key) : 0;
        i < index.entries.length;
        i++
      ) {
        const entry = index.entries[i]!;
        const sequence = index.sequenceUs[i]!;
        if (entry.timeUs > newestUs || sequence >= endUs) continue;
        if (entry.timeUs <= oldestUs || sequence < startUs) break;
        if (products.size > 0 && !products.has(productOf(entry))) continue;
        const wire = toCoinbaseFill(entry, owner);
        if (orderIds.size > 0 && !orderIds.has(wire.order_id)) continue;
        if (tradeIds.size > 0 && !tradeIds.has(wire.trade_id)) continue;
        if (fills.length === pageSize) {
          more = true;
          break;
        }
        fills.push(wire);
        last = i;
      }
      const cursorOut = more ? encodeCursor(index.sequenceUs[last]!, index.entries[last]!.key) : '';
      return reply.send({ fills, cursor: cursorOut });
    },
  );

  app.get<{ Params: { product_id: string } }>(
    '/api/v3/brokerage/products/:product_id/candles',
    { preHandler: authenticate },
    async (request, reply) => {
      const productId = request.params.product_id;
      const product = SPOT_PRODUCTS.get(productId);
      if (!product) return brokerageError(reply, 404, 'NOT_FOUND', `Product ${productId} not supported`);
      const query = (request.query ?? {}) as Record<string, unknown>;
      const granularity = one(query.granularity);
      const seconds = granularity ? GRANULARITY_SECONDS[granularity] : undefined;
      if (seconds === undefined)
        return brokerageError(reply, 400, 'INVALID_ARGUMENT', 'granularity argument is invalid');
      if (seconds !== 3_600) {
        return brokerageError(
          reply,
          400,
          'INVALID_ARGUMENT',
          `granularity ${granularity} is not served by the broker sandbox; use ONE_HOUR`,
        );
      }
      const start = Number(one(query.start));
      const end = Number(one(query.end));
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < 0) {
        return brokerageError(
          reply,
          400,
          'INVALID_ARGUMENT',
          'start and end argument is invalid - unix seconds are required',
        );
      }
      if (end <= start)
        return brokerageError(
          reply,
          400,
          'INVALID_ARGUMENT',
          'start and end argument is invalid - start must be before end',
        );
      if (Math.ceil((end - start) / seconds) > MAX_CANDLES) {
        return brokerageError(
          reply,
          400,
          'INVALID_ARGUMENT',
          `start and end argument is invalid - number of candles requested should be less than ${MAX_CANDLES}`,
        );
      }
      const limitText = one(query.limit);
      const limit = limitText === undefined ? MAX_CANDLES : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CANDLES) {
        return brokerageError(reply, 400, 'INVALID_ARGUMENT', `limit must be between 1 and ${MAX_CANDLES}`);
      }
      const series = state.market.asset(product.asset);
      // Coinbase answers newest first; `end` is the first second it does not want.
      const hours = series.closedHours({
        oldest: Math.ceil((start * 1000 - EPOCH_MS) / HOUR_MS),
        newest: Math.ceil((end * 1000 - EPOCH_MS) / HOUR_MS) - 1,
        nowMs: state.nowMs(),
        limit,
        keep: 'newest',
      });
      const candles = hours.reverse().map((hour) => {
        const candle = series.candle(hour)!;
        return {
          start: String(hourStartMs(hour) / 1000),
          low: formatScaled(BigInt(candle.low), PRICE_SCALE, 'trim'),
          high: formatScaled(BigInt(candle.high), PRICE_SCALE, 'trim'),
          open: formatScaled(BigInt(candle.open), PRICE_SCALE, 'trim'),
          close: formatScaled(BigInt(candle.close), PRICE_SCALE, 'trim'),
          volume: formatScaled(BigInt(candle.volume * COINBASE.volumeFactor), QTY_SCALE, 'trim'),
        };
      });
      return reply.send({ candles });
    },
  );
}
