import type { AdapterEventListener, Sleep } from '../http/http.types';

export interface WeightGovernorOptions {
  /** Server-corrected milliseconds, so our minute matches Binance's. */
  now: () => number;
  sleep: Sleep;
  onEvent?: AdapterEventListener;
  /** Share of the per-minute limit we allow ourselves before waiting for the next minute. Default 0.8. */
  headroom?: number;
}

/**
 * Keeps us under Binance's REQUEST_WEIGHT per minute: `X-MBX-USED-WEIGHT-1M` on every answer says
 * how much of this minute is spent; before a call whose weight would cross `headroom`·limit we
 * wait for the next minute instead of collecting 429s (and, after them, a 418 IP ban).
 */
export class WeightGovernor {
  private used = 0;
  private minute = -1;
  private limitPerMinute = 6000;

  constructor(private readonly options: WeightGovernorOptions) {}

  set limit(value: number) {
    this.limitPerMinute = value;
  }

  observe(headers: Headers): void {
    const header = headers.get('x-mbx-used-weight-1m');
    if (header === null || !/^\d+$/.test(header)) return;
    this.minute = Math.floor(this.options.now() / 60_000);
    this.used = Number(header);
  }

  async reserve(weight: number): Promise<void> {
    const now = this.options.now();
    const minute = Math.floor(now / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.used = 0;
    }
    const budget = this.limitPerMinute * (this.options.headroom ?? 0.8);
    if (this.used + weight > budget) {
      const delayMs = (minute + 1) * 60_000 - now + 250;
      this.options.onEvent?.({
        type: 'throttle',
        broker: 'binance',
        delayMs,
        usedWeight: this.used,
        limit: this.limitPerMinute,
      });
      await this.options.sleep(delayMs);
      this.minute = minute + 1;
      this.used = 0;
    }
    this.used += weight;
  }
}
