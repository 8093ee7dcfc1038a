/**
 * The sandbox's timeline. Everything the market and the traders produce is a function of the hour
 * index counted from `EPOCH_MS`, so a closed candle or a past fill never changes as time moves on.
 */

export const EPOCH_MS = Date.UTC(2026, 0, 1);
export const HOUR_MS = 3_600_000;
export const HOUR_US = HOUR_MS * 1000;
export const DAY_MS = 24 * HOUR_MS;
/** The market's history starts here, a year before the epoch; nothing exists before it. */
export const ANCHOR_HOUR = (Date.UTC(2025, 0, 1) - EPOCH_MS) / HOUR_MS;
/** How much history an account keeps: the last 30 days. */
export const HISTORY_MS = 30 * DAY_MS;

export function hourOfMs(ms: number): number {
  return Math.floor((ms - EPOCH_MS) / HOUR_MS);
}

export function hourStartMs(hour: number): number {
  return EPOCH_MS + hour * HOUR_MS;
}

export function hourStartUs(hour: number): number {
  return hourStartMs(hour) * 1000;
}

export function hourOfUs(us: number): number {
  return Math.floor((us / 1000 - EPOCH_MS) / HOUR_MS);
}

/** RFC 3339 in UTC with 0, 3 or 6 fraction digits, from a time in microseconds. */
export function formatRfc3339(us: number, fractionDigits: 0 | 3 | 6): string {
  const ms = Math.floor(us / 1000);
  const base = new Date(ms).toISOString().slice(0, 19);
  if (fractionDigits === 0) return `${base}Z`;
  const micros = String(us - Math.floor(us / 1_000_000) * 1_000_000).padStart(6, '0');
  return `${base}.${micros.slice(0, fractionDigits)}Z`;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

/** Parses an RFC 3339 time to microseconds (fractions beyond microseconds are cut), or undefined. */
export function parseRfc3339(value: string): number | undefined {
  const match = RFC3339.exec(value);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  const micros = Number((match[2] ?? '').padEnd(6, '0').slice(0, 6));
  return seconds * 1000 + micros;
}
