/**
 * API credits per key and calendar minute of the sandbox clock, as Twelve Data counts them: each
 * request costs one; a request beyond the budget is refused (and still counted, so the refusal
 * message reports what was used).
 */
export class VendorCredits {
  private minute = -1;
  private readonly used = new Map<string, number>();

  constructor(readonly limitPerMinute: number) {}

  charge(apiKey: string, nowMs: number): { allowed: boolean; used: number; left: number } {
    const minute = Math.floor(nowMs / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.used.clear();
    }
    const used = (this.used.get(apiKey) ?? 0) + 1;
    this.used.set(apiKey, used);
    return {
      allowed: used <= this.limitPerMinute,
      used,
      left: Math.max(0, this.limitPerMinute - used),
    };
  }
}
