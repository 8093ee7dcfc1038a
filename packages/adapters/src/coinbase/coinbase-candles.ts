import type { Candle } from '@tt/shared';
import { normalizeDecimal } from '../core/decimal';
import { epochMsToIso } from '../core/time';
import { joinUrl } from '../core/url';
import { BrokerErrors } from '../errors';
import type { BrokerHttp } from '../http/broker-http';
import type { FetchCandlesInput, OAuthTokens } from '../types';
import { CoinbaseCandlesSchema } from './coinbase.schemas';

const HOUR_S = 3600;
/** Coinbase answers at most 300 candles per request. */
export const COINBASE_MAX_CANDLES = 300;

export interface CoinbaseCandlesContext {
  http: BrokerHttp;
  apiBaseUrl: string;
  getJson(operation: string, url: URL, token: string): Promise<unknown>;
}

/**
 * Hourly candles over [since, until] in windows of at most 300 hours (`start`/`end` in unix
 * seconds, `end` one second short of the next window so no candle is asked for twice). Hours
 * without trades are missing in Coinbase's answer and stay missing here.
 */
export async function fetchCoinbaseCandles(
  ctx: CoinbaseCandlesContext,
  input: FetchCandlesInput<OAuthTokens>,
): Promise<Candle[]> {
  const firstHour = Math.floor(input.since.getTime() / 1000 / HOUR_S) * HOUR_S;
  const last = Math.floor(input.until.getTime() / 1000);
  const byStart = new Map<number, Candle>();
  for (let windowStart = firstHour; windowStart <= last; windowStart += COINBASE_MAX_CANDLES * HOUR_S) {
    // `end` must be after `start`, even for a single candle.
    const windowEnd = Math.max(
      windowStart + 1,
      Math.min(windowStart + COINBASE_MAX_CANDLES * HOUR_S - 1, last),
    );
    const url = joinUrl(
      ctx.apiBaseUrl,
      `/api/v3/brokerage/products/${encodeURIComponent(input.symbol)}/candles`,
    );
    url.searchParams.set('start', String(windowStart));
    url.searchParams.set('end', String(windowEnd));
    url.searchParams.set('granularity', 'ONE_HOUR');
    const token = (await input.credentials.get()).accessToken;
    const parsed = CoinbaseCandlesSchema.safeParse(await ctx.getJson('candles', url, token));
    if (!parsed.success) throw badCandles(ctx);
    for (const raw of parsed.data.candles) {
      const start = Number(raw.start);
      if (start < firstHour || start > last) continue;
      const values = [raw.open, raw.high, raw.low, raw.close, raw.volume].map(normalizeDecimal);
      if (values.some((v) => v === undefined)) throw badCandles(ctx);
      const [open, high, low, close, volume] = values as string[];
      byStart.set(start, {
        ts: epochMsToIso(start * 1000),
        open: open!,
        high: high!,
        low: low!,
        close: close!,
        volume: volume!,
      });
    }
  }
  return [...byStart.entries()].sort(([a], [b]) => a - b).map(([, candle]) => candle);
}

function badCandles(ctx: CoinbaseCandlesContext) {
  ctx.http.emitError('candles', 'BROKER.BAD_RESPONSE');
  return BrokerErrors.BAD_RESPONSE({ detail: 'Coinbase sent candles we could not read.' });
}
