import type { Sleep } from '../http/http.types';
import type { VendorBudget } from './vendor.types';

/**
 * A request is counted against the minute a little longer than 60 s, so that latency between our
 * clock and the vendor's does not squeeze two minutes' requests into one of its minutes.
 */
const WINDOW_MS = 60_500;

export interface RequestBudgetOptions {
  perMinute: number;
  now: () => number;
  sleep: Sleep;
}

/**
 * A sliding-window limiter: at most `perMinute` requests start in any window, so a vendor counting
 * credits per calendar minute never sees more than its budget from this process. Callers over the
 * budget wait for the oldest request to leave the window; they do not fail.
 */
export class RequestBudget implements VendorBudget {
  private readonly started: number[] = [];
  private pausedUntilMs = 0;

  constructor(private readonly options: RequestBudgetOptions) {
    if (!Number.isInteger(options.perMinute) || options.perMinute < 1) {
      throw new RangeError('requestsPerMinute must be a positive integer');
    }
  }

  /** Waits until one more request fits, then counts it; answers how long it waited. */
  async take(signal?: AbortSignal): Promise<number> {
    let waitedMs = 0;
    for (;;) {
      signal?.throwIfAborted();
      const now = this.options.now();
      while (this.started.length > 0 && this.started[0]! <= now - WINDOW_MS) this.started.shift();
      const oldest = this.started[0];
      const full = oldest !== undefined && this.started.length >= this.options.perMinute;
      const delayMs = Math.max(this.pausedUntilMs - now, full ? oldest + WINDOW_MS - now : 0);
      if (delayMs <= 0) {
        this.started.push(now);
        return waitedMs;
      }
      await this.options.sleep(delayMs, signal);
      waitedMs += delayMs;
    }
  }

  /** Holds every caller back until `untilMs`: the vendor said its minute is spent (another process may share the key). */
  async pauseUntil(untilMs: number): Promise<void> {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, untilMs);
  }
}
