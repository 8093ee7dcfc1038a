/**
 * Binance's request-weight limiter: every endpoint costs a weight, an IP may spend 6,000 per
 * minute, a request over the limit gets 429 with `Retry-After`, and an IP that keeps sending after
 * its 429s is banned with 418 for two minutes, doubling with each ban up to three days.
 */

export const WEIGHT_LIMIT_PER_MINUTE = 6_000;
/** SAPI endpoints count against their own per-IP limit, reported in `X-SAPI-USED-IP-WEIGHT-1M`. */
export const SAPI_WEIGHT_LIMIT_PER_MINUTE = 12_000;
const MINUTE_MS = 60_000;
/** Requests an IP may still send after its first 429 in a minute before it is banned. */
const IGNORED_429_BEFORE_BAN = 10;
const FIRST_BAN_MS = 2 * MINUTE_MS;
const LONGEST_BAN_MS = 3 * 24 * 60 * MINUTE_MS;

export type WeightVerdict =
  | { kind: 'ok'; used: number }
  | { kind: 'limited'; used: number; retryAfterSeconds: number }
  | { kind: 'banned'; used: number; retryAfterSeconds: number; untilMs: number };

interface IpUsage {
  minute: number;
  used: number;
  refusals: number;
  bans: number;
  bannedUntilMs: number;
}

export class WeightLimiter {
  private readonly usage = new Map<string, IpUsage>();

  constructor(private readonly limit: number) {}

  /** Charges `weight` to `ip` at `nowMs` and says whether the request may proceed. */
  charge(ip: string, weight: number, nowMs: number): WeightVerdict {
    const minute = Math.floor(nowMs / MINUTE_MS);
    let usage = this.usage.get(ip);
    if (!usage) {
      usage = { minute, used: 0, refusals: 0, bans: 0, bannedUntilMs: 0 };
      this.usage.set(ip, usage);
    }
    if (usage.minute !== minute) {
      usage.minute = minute;
      usage.used = 0;
      usage.refusals = 0;
    }
    if (nowMs < usage.bannedUntilMs) {
      return {
        kind: 'banned',
        used: usage.used,
        retryAfterSeconds: secondsUntil(usage.bannedUntilMs, nowMs),
        untilMs: usage.bannedUntilMs,
      };
    }
    usage.used += weight;
    if (usage.used <= this.limit) return { kind: 'ok', used: usage.used };
    usage.refusals += 1;
    if (usage.refusals > IGNORED_429_BEFORE_BAN) {
      usage.bannedUntilMs = nowMs + Math.min(FIRST_BAN_MS * 2 ** usage.bans, LONGEST_BAN_MS);
      usage.bans += 1;
      return {
        kind: 'banned',
        used: usage.used,
        retryAfterSeconds: secondsUntil(usage.bannedUntilMs, nowMs),
        untilMs: usage.bannedUntilMs,
      };
    }
    return {
      kind: 'limited',
      used: usage.used,
      retryAfterSeconds: secondsUntil((minute + 1) * MINUTE_MS, nowMs),
    };
  }
}

function secondsUntil(untilMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((untilMs - nowMs) / 1000));
}
