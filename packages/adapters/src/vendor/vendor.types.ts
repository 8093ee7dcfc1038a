import type { Candle } from '@tt/shared';
import type { AdapterLogger, Sleep } from '../http/http.types';

export interface FetchHourlyInput {
  /** Base asset, e.g. `BTC` (case-insensitive). */
  base: string;
  /** Quote currency, e.g. `USD` (case-insensitive). */
  quote: string;
  since: Date;
  until: Date;
  /** Stops the walk: a pending request or wait rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** A market-data vendor, for symbols no connected broker serves and for CSV imports. */
export interface VendorCandleSource {
  /** `twelvedata`. */
  readonly name: string;
  /**
   * Closed hourly candles over [since, until] of base/quote (e.g. 'BTC','USD'), ascending, exact
   * decimal strings. Like the broker adapters, the hour that contains `since` is included. Hours
   * the vendor has no candle for are missing.
   */
  fetchHourly(input: FetchHourlyInput): Promise<Candle[]>;
}

/** How many vendor calls may start; shared by every process that uses one key when it is backed by a shared store. */
export interface VendorBudget {
  /** Waits until one more call fits the plan's minute, then counts it; answers how long it waited. */
  take(signal?: AbortSignal): Promise<number>;
  /** The vendor said the minute is spent: every caller holds back until `untilMs` (epoch ms). */
  pauseUntil(untilMs: number): Promise<void>;
}

export interface TwelveDataSourceOptions {
  /** `https://api.twelvedata.com`, or a sandbox's `<url>/vendor/twelvedata`. */
  baseUrl: string;
  /** Sent only in the `Authorization: apikey …` header; never in a URL, a log line or an error. */
  apiKey: string;
  /**
   * How the calls are counted: a budget of the caller's (shared between processes), or else a
   * sliding window in this process of `requestsPerMinute`, the plan's credits. One of them is
   * required; calls beyond the budget wait, they do not fail.
   */
  budget?: VendorBudget;
  requestsPerMinute?: number;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Epoch milliseconds. Defaults to `Date.now`. */
  now?: () => number;
  /** Defaults to a timer; tests pass one that advances their clock. */
  sleep?: Sleep;
  /** `debug` per call, `warn` per wait or retry; never headers, bodies or the key. */
  logger?: AdapterLogger;
  /** Per-attempt timeout, body included. Default 15 000 ms. */
  timeoutMs?: number;
  /** Retries of one request after a 429, a 5xx, a network error or a timeout. Default 3. */
  maxRetries?: number;
}
