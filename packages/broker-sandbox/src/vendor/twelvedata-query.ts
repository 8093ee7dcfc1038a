/**
 * The query of Twelve Data's `/time_series` as the sandbox reads it. Values Twelve Data accepts but
 * the sandbox does not serve (other intervals, other time zones) are refused with a message that
 * says so, rather than answered wrongly.
 */

export interface TimeSeriesQuery {
  /** Upper case, as Twelve Data matches symbols case-insensitively. */
  symbol: string;
  /** Epoch milliseconds; both bounds inclusive. */
  startMs: number | undefined;
  endMs: number | undefined;
  order: 'ASC' | 'DESC';
  outputsize: number;
}

export const MAX_OUTPUTSIZE = 5_000;
/** Without dates Twelve Data answers the latest 30 bars; with dates, up to the maximum. */
const DEFAULT_OUTPUTSIZE = 30;
const TWELVE_DATA_INTERVALS = new Set([
  '1min',
  '5min',
  '15min',
  '30min',
  '45min',
  '1h',
  '2h',
  '4h',
  '5h',
  '1day',
  '1week',
  '1month',
]);
/** Crypto pairs trade on UTC, so `Exchange` time is UTC too. */
const UTC_ZONES = new Set(['utc', 'exchange']);
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** A single query value; a repeated key is not one. */
function one(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `2026-01-01` or `2026-01-01 13:00:00` in UTC, to epoch milliseconds; undefined when malformed. */
export function parseVendorDate(text: string): number | undefined {
  const match = DATE.exec(text.trim());
  if (!match) return undefined;
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = match.slice(1).map((part) => Number(part ?? 0));
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over into March; Twelve Data refuses such a date.
  const exact =
    back.getUTCFullYear() === y &&
    back.getUTCMonth() === mo - 1 &&
    back.getUTCDate() === d &&
    back.getUTCHours() === h &&
    back.getUTCMinutes() === mi &&
    back.getUTCSeconds() === s;
  return exact ? ms : undefined;
}

/** `YYYY-MM-DD HH:mm:ss` in UTC, as Twelve Data prints `datetime` with `timezone=UTC`. */
export function formatVendorDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function dateParam(query: Record<string, unknown>, name: string): number | undefined | { error: string } {
  const text = one(query[name]);
  if (text === undefined || text === '') return undefined;
  return (
    parseVendorDate(text) ?? {
      error: `**${name}** parameter is invalid. Use the format YYYY-MM-DD or YYYY-MM-DD HH:mm:ss.`,
    }
  );
}

export function parseTimeSeriesQuery(query: Record<string, unknown>): TimeSeriesQuery | { error: string } {
  const symbol = one(query.symbol)?.trim().toUpperCase();
  if (!symbol) return { error: '**symbol** parameter is missing or invalid.' };
  const interval = one(query.interval);
  if (!interval || !TWELVE_DATA_INTERVALS.has(interval)) {
    return {
      error: `**interval** is invalid. Supported values: ${[...TWELVE_DATA_INTERVALS].join(', ')}.`,
    };
  }
  if (interval !== '1h')
    return { error: `**interval** ${interval} is not served by the broker sandbox; use 1h.` };
  const timezone = one(query.timezone);
  if (timezone !== undefined && !UTC_ZONES.has(timezone.toLowerCase())) {
    return { error: `**timezone** ${timezone} is not served by the broker sandbox; use UTC.` };
  }
  const start = dateParam(query, 'start_date');
  const end = dateParam(query, 'end_date');
  if (typeof start === 'object') return start;
  if (typeof end === 'object') return end;
  if (start !== undefined && end !== undefined && start > end) {
    return { error: '**start_date** must not be later than **end_date**.' };
  }
  const orderText = (one(query.order) ?? 'DESC').toUpperCase();
  if (orderText !== 'ASC' && orderText !== 'DESC') return { error: '**order** must be ASC or DESC.' };
  const sizeText = one(query.outputsize);
  const noDates = start === undefined && end === undefined;
  const outputsize =
    sizeText === undefined ? (noDates ? DEFAULT_OUTPUTSIZE : MAX_OUTPUTSIZE) : Number(sizeText);
  if (!/^\d+$/.test(sizeText ?? '1') || outputsize < 1 || outputsize > MAX_OUTPUTSIZE) {
    return { error: `**outputsize** must be an integer between 1 and ${MAX_OUTPUTSIZE}.` };
  }
  return { symbol, startMs: start, endMs: end, order: orderText, outputsize };
}
