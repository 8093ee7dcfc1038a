import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formatScaled, PRICE_SCALE, QTY_SCALE } from '../core/decimal';
import { EPOCH_MS, HOUR_MS, hourStartMs } from '../core/time';
import type { SandboxState } from '../sandbox.state';
import {
  twelveDataError,
  twelveDataNoData,
  twelveDataRateLimited,
  twelveDataSymbolNotFound,
  twelveDataUnauthorized,
} from './twelvedata.errors';
import { formatVendorDate, parseTimeSeriesQuery } from './twelvedata-query';
import { VENDOR_PAIRS } from './twelvedata.symbols';

/**
 * Twelve Data's `GET /time_series` (hourly bars of crypto pairs), mounted at
 * `/vendor/twelvedata/time_series`. The key comes as `Authorization: apikey <key>` or `?apikey=`;
 * any key is accepted except one starting with `bad`. Each request costs one credit of the key's
 * per-minute budget (`api-credits-used` / `api-credits-left` headers, 429 beyond it).
 */

/** Twelve Data prints prices with 5 decimals by default (`dp=5`). */
const PRICE_DIGITS = 5;
const PRICE_PAD = 10n ** BigInt(PRICE_DIGITS - PRICE_SCALE);

function apiKeyOf(request: FastifyRequest, query: Record<string, unknown>): string | undefined {
  const header = /^apikey\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (header) return header[1];
  return typeof query.apikey === 'string' && query.apikey !== '' ? query.apikey : undefined;
}

function price(ticks: number): string {
  return formatScaled(BigInt(ticks) * PRICE_PAD, PRICE_DIGITS, 'fixed');
}

export function registerTwelveData(app: FastifyInstance, state: SandboxState): void {
  app.get('/vendor/twelvedata/time_series', async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const apiKey = apiKeyOf(request, query);
    if (apiKey === undefined || apiKey.startsWith('bad')) return twelveDataUnauthorized(reply);
    const credits = state.vendorCredits.charge(apiKey, state.nowMs());
    void reply.headers({
      'api-credits-used': String(credits.used),
      'api-credits-left': String(credits.left),
    });
    if (!credits.allowed)
      return twelveDataRateLimited(reply, credits.used, state.vendorCredits.limitPerMinute);

    const params = parseTimeSeriesQuery(query);
    if ('error' in params) return twelveDataError(reply, 400, params.error);
    const pair = VENDOR_PAIRS.get(params.symbol);
    if (!pair) return twelveDataSymbolNotFound(reply, params.symbol);

    const series = state.market.asset(pair.asset);
    // Both dates are inclusive; a range longer than `outputsize` keeps its most recent bars.
    const values = series
      .closedHours({
        oldest: params.startMs === undefined ? -Infinity : Math.ceil((params.startMs - EPOCH_MS) / HOUR_MS),
        newest: params.endMs === undefined ? Infinity : Math.floor((params.endMs - EPOCH_MS) / HOUR_MS),
        nowMs: state.nowMs(),
        limit: params.outputsize,
        keep: 'newest',
      })
      .map((hour) => {
        const candle = series.candle(hour)!;
        return {
          datetime: formatVendorDate(hourStartMs(hour)),
          open: price(candle.open),
          high: price(candle.high),
          low: price(candle.low),
          close: price(candle.close),
          volume: formatScaled(BigInt(candle.volume), QTY_SCALE, 'trim'),
        };
      });
    if (values.length === 0) return twelveDataNoData(reply);
    if (params.order !== 'ASC') values.reverse();
    return reply.send({
      meta: {
        symbol: pair.symbol,
        interval: '1h',
        currency_base: pair.currencyBase,
        currency_quote: pair.currencyQuote,
        exchange: 'Sandbox',
        type: 'Digital Currency',
      },
      values,
      status: 'ok',
    });
  });
}
