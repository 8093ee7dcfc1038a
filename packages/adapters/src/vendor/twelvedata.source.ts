import type { AppError, Candle } from '@tt/shared';
import { joinUrl } from '../core/url';
import { MarketDataErrors } from '../errors';
import { scrubSecrets } from '../http/redact';
import { abortableSleep } from '../http/sleep';
import { RequestBudget } from './request-budget';
import type { TwelveDataCallContext, TwelveDataOutcome } from './twelvedata-call';
import { callTwelveData } from './twelvedata-call';
import { barsToCandles, formatTwelveDataDate, HOUR_MS } from './twelvedata-candles';
import { TwelveDataSeriesSchema } from './twelvedata.schemas';
import type { FetchHourlyInput, TwelveDataSourceOptions, VendorCandleSource } from './vendor.types';

/**
 * Twelve Data's `/time_series` as a VendorCandleSource. Not built on BrokerHttp: that client is
 * typed to the two brokers (its logs, metrics and BROKER.* errors), backs off from a 429 with
 * jitter where Twelve Data wants the minute waited out, and takes any 2xx as success where Twelve
 * Data may answer an error with HTTP 200. What it shares with BrokerHttp is reused (Retry-After,
 * redaction, sleep).
 */

/** Twelve Data's most bars per request. */
export const TWELVE_DATA_MAX_BARS = 5_000;
const MINUTE_MS = 60_000;
/** After a 429 without Retry-After: past the next minute by this much, in case our clock runs early. */
const MINUTE_MARGIN_MS = 1_000;
/** A rate-limit wait longer than this is not waited out: the call fails with RATE_LIMITED. */
const MAX_RATE_WAIT_MS = 120_000;
/** Backoff after a 5xx, a network error or a timeout: 1 s, 2 s, 4 s, … */
const SERVER_BACKOFF_MS = 1_000;
const PAIR_PART = /^[A-Z0-9]{1,20}$/;

type WindowAnswer = { kind: 'series'; body: unknown } | { kind: 'no-data' };

export function createTwelveDataSource(options: TwelveDataSourceOptions): VendorCandleSource {
  if (options.apiKey === '') throw new RangeError('apiKey must not be empty');
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? abortableSleep;
  const maxRetries = options.maxRetries ?? 3;
  if (!options.budget && options.requestsPerMinute === undefined) {
    throw new RangeError('give the source a budget or requestsPerMinute');
  }
  const budget = options.budget ?? new RequestBudget({ perMinute: options.requestsPerMinute!, now, sleep });
  const ctx: TwelveDataCallContext = {
    apiKey: options.apiKey,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    now,
    timeoutMs: options.timeoutMs ?? 15_000,
    logger: options.logger,
  };

  /** One window's answer, after waiting out rate limits and retrying server failures. */
  async function requestWindow(url: URL, pair: string, signal?: AbortSignal): Promise<WindowAnswer> {
    for (let attempt = 0; ; attempt++) {
      await budget.take(signal);
      const outcome = await callTwelveData(ctx, url, attempt, signal);
      if (outcome.kind === 'ok') return { kind: 'series', body: outcome.body };
      if (outcome.kind === 'error' && isNoData(outcome)) return { kind: 'no-data' };
      const exhausted = attempt >= maxRetries;
      if (outcome.kind === 'error' && outcome.code === 429) {
        const waitMs = outcome.retryAfterMs ?? untilNextMinute(now());
        if (exhausted || waitMs > MAX_RATE_WAIT_MS || /for the day/i.test(outcome.message)) {
          throw rateLimited(outcome, waitMs);
        }
        // Paused on the budget, so that concurrent calls (of every process sharing it) hold back as well.
        await budget.pauseUntil(now() + waitMs);
        options.logger?.warn(
          { vendor: 'twelvedata', attempt: attempt + 1, waitMs },
          'vendor rate limited us',
        );
        continue;
      }
      if (outcome.kind !== 'error' || outcome.code >= 500) {
        if (exhausted) throw unavailable(outcome);
        const delayMs = SERVER_BACKOFF_MS * 2 ** attempt;
        options.logger?.warn(
          { vendor: 'twelvedata', attempt: attempt + 1, delayMs, reason: reasonOf(outcome) },
          'retrying vendor call',
        );
        await sleep(delayMs, signal);
        continue;
      }
      throw rejected(outcome, pair, options.apiKey);
    }
  }

  return {
    name: 'twelvedata',
    async fetchHourly(input: FetchHourlyInput): Promise<Candle[]> {
      const pair = pairOf(input.base, input.quote);
      const first = Math.floor(input.since.getTime() / HOUR_MS) * HOUR_MS;
      // Only closed hours: the bar of hour h is final once hour h + 1 has begun.
      const lastClosed = Math.floor(now() / HOUR_MS) * HOUR_MS - HOUR_MS;
      const last = Math.min(Math.floor(input.until.getTime() / HOUR_MS) * HOUR_MS, lastClosed);
      const byTs = new Map<string, Candle>();
      for (let windowStart = first; windowStart <= last; windowStart += TWELVE_DATA_MAX_BARS * HOUR_MS) {
        const windowEnd = Math.min(windowStart + (TWELVE_DATA_MAX_BARS - 1) * HOUR_MS, last);
        const answer = await requestWindow(
          windowUrl(options.baseUrl, pair, windowStart, windowEnd),
          pair,
          input.signal,
        );
        if (answer.kind === 'no-data') continue;
        const parsed = TwelveDataSeriesSchema.safeParse(answer.body);
        const candles = parsed.success
          ? barsToCandles(parsed.data.values, windowStart, windowEnd)
          : undefined;
        if (!candles) {
          throw MarketDataErrors.BAD_RESPONSE({
            detail: `Twelve Data sent prices for ${pair} we could not read.`,
          });
        }
        for (const candle of candles) byTs.set(candle.ts, candle);
      }
      return [...byTs.values()].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    },
  };
}

function pairOf(base: string, quote: string): string {
  const [b, q] = [base.trim().toUpperCase(), quote.trim().toUpperCase()];
  if (!PAIR_PART.test(b) || !PAIR_PART.test(q)) {
    throw MarketDataErrors.UNKNOWN_SYMBOL({
      detail: `${base}/${quote} is not a symbol Twelve Data could list.`,
    });
  }
  return `${b}/${q}`;
}

/**
 * `end_date` is one second short of the bar after the window. Twelve Data calls end_date the
 * latest datetime, yet its own example answers it exclusively, and the sandbox reads it inclusively;
 * this reads the same either way, and a window of 5,000 hours never asks for a 5,001st bar.
 */
function windowUrl(baseUrl: string, pair: string, startMs: number, endMs: number): URL {
  const url = joinUrl(baseUrl, '/time_series');
  url.searchParams.set('symbol', pair);
  url.searchParams.set('interval', '1h');
  url.searchParams.set('start_date', formatTwelveDataDate(startMs));
  url.searchParams.set('end_date', formatTwelveDataDate(endMs + HOUR_MS - 1_000));
  url.searchParams.set('timezone', 'UTC');
  url.searchParams.set('order', 'ASC');
  url.searchParams.set('outputsize', String(TWELVE_DATA_MAX_BARS));
  return url;
}

/** Twelve Data answers a range without bars with an error, not an empty list. */
function isNoData(outcome: { code: number; message: string }): boolean {
  return (
    (outcome.code === 400 && /no data is available/i.test(outcome.message)) ||
    (outcome.code === 404 && /^data not found/i.test(outcome.message))
  );
}

function untilNextMinute(nowMs: number): number {
  return (Math.floor(nowMs / MINUTE_MS) + 1) * MINUTE_MS + MINUTE_MARGIN_MS - nowMs;
}

function reasonOf(outcome: TwelveDataOutcome): string {
  return outcome.kind === 'error' ? `http_${outcome.code}` : outcome.kind;
}

function rateLimited(outcome: { message: string }, waitMs: number): AppError {
  if (/for the day/i.test(outcome.message)) {
    return MarketDataErrors.RATE_LIMITED({
      detail: "Twelve Data's API credits for today are used up. Prices load again after the daily reset.",
    });
  }
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return MarketDataErrors.RATE_LIMITED({
    detail: `Twelve Data's API credits for this minute are used up. Try again in about ${seconds} s.`,
    headers: { 'Retry-After': String(seconds) },
  });
}

function unavailable(outcome: TwelveDataOutcome): AppError {
  if (outcome.kind === 'timeout') {
    return MarketDataErrors.UNAVAILABLE({ detail: 'Twelve Data did not answer in time. Try again shortly.' });
  }
  if (outcome.kind === 'network') {
    return MarketDataErrors.UNAVAILABLE({ detail: 'We could not reach Twelve Data. Try again shortly.' });
  }
  const status = outcome.kind === 'error' ? ` (HTTP ${outcome.code})` : '';
  return MarketDataErrors.UNAVAILABLE({
    detail: `Twelve Data is having trouble${status}. Try again shortly.`,
  });
}

/** A 4xx that retrying cannot fix. */
function rejected(outcome: { code: number; message: string }, pair: string, apiKey: string): AppError {
  if (outcome.code === 401) {
    return MarketDataErrors.INVALID_KEY({
      detail:
        'Twelve Data refused the configured API key (HTTP 401). Check the market-data key in the server settings.',
    });
  }
  if (outcome.code === 404) {
    return MarketDataErrors.UNKNOWN_SYMBOL({ detail: `Twelve Data does not list ${pair}.` });
  }
  if (outcome.code === 403) {
    return MarketDataErrors.UNKNOWN_SYMBOL({ detail: `Twelve Data does not offer ${pair} on our plan.` });
  }
  const said = scrubSecrets(outcome.message, [apiKey]).slice(0, 200);
  return MarketDataErrors.REQUEST_REJECTED({
    detail: `Twelve Data refused the request for ${pair} (HTTP ${outcome.code})${said ? `: ${said}` : '.'}`,
  });
}
