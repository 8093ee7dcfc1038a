import type { BrokerId } from '@tt/shared';

/** Milliseconds since the epoch; injectable so tests control time. */
export interface Clock {
  now(): number;
}

/** Waits `ms`; injectable so tests do not sleep. Rejects when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The slice of a pino logger the adapters use. */
export interface AdapterLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Metrics hook: every event is cheap to count (`type`, `broker`, and a small label or two). */
export type AdapterEvent =
  | {
      type: 'request';
      broker: BrokerId;
      operation: string;
      /** HTTP status, or `network` / `timeout` when there was none. */
      outcome: number | 'network' | 'timeout';
      durationMs: number;
      attempt: number;
    }
  | {
      type: 'retry';
      broker: BrokerId;
      operation: string;
      attempt: number;
      delayMs: number;
      reason: 'rate_limited' | 'server_error' | 'network' | 'timeout';
    }
  | { type: 'breaker'; broker: BrokerId; from: BreakerState; to: BreakerState }
  | { type: 'error'; broker: BrokerId; operation: string; code: string }
  | { type: 'throttle'; broker: BrokerId; delayMs: number; usedWeight: number; limit: number };

export type AdapterEventListener = (event: AdapterEvent) => void;

/** Resilience settings shared by both brokers' HTTP clients. */
export interface HttpClientOptions {
  /** Per-attempt timeout, headers and body included. Default 15 000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt, on 429/418/5xx/network errors/timeouts. Default 5. */
  maxRetries?: number;
  /** Backoff base: attempt n waits a random time in [0, min(maxDelayMs, baseDelayMs·2ⁿ)] (full jitter). Default 500 ms. */
  baseDelayMs?: number;
  /** Cap on one backoff step. Default 30 000 ms. */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited out: the call fails with BROKER.RATE_LIMITED. Default 120 000 ms. */
  maxRetryAfterMs?: number;
  /** Consecutive failed calls (after their retries) that open a broker's circuit. Default 5. */
  breakerThreshold?: number;
  /** How long an open circuit rejects calls before letting one probe through. Default 30 000 ms. */
  breakerCooldownMs?: number;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Defaults to `Date.now`. */
  clock?: Clock;
  /** Defaults to a `setTimeout` promise. */
  sleep?: Sleep;
  /** Defaults to `Math.random`; drives the jitter. */
  random?: () => number;
}
