const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2})| ?UTC)?$/;

export interface ParseTimeOptions {
  /** Accept a time without a zone designator and read it as UTC (CSV exports). Default false. */
  assumeUtc?: boolean;
}

/**
 * Parses an RFC 3339 / ISO-8601 time exactly, keeping sub-millisecond digits that `Date` would
 * drop, and returns canonical UTC ISO-8601: `YYYY-MM-DDTHH:MM:SS.mmmZ`, or with 6 (or 9) fraction
 * digits when the input carries non-zero microseconds (or nanoseconds). Returns `undefined` when
 * the text is not a valid time.
 */
export function parseExactTime(text: string, options: ParseTimeOptions = {}): string | undefined {
  const match = RFC3339.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', z, offSign, offH, offM] = match;
  const hasZone = z !== undefined || offSign !== undefined || /UTC$/.test(text.trim());
  if (!hasZone && !options.assumeUtc) return undefined;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const base = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(base);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  const offsetMinutes = offSign ? (offSign === '-' ? -1 : 1) * (Number(offH) * 60 + Number(offM)) : 0;
  const utc = new Date(base - offsetMinutes * 60_000);
  return `${utc.toISOString().slice(0, 19)}.${canonicalFraction(frac)}Z`;
}

function canonicalFraction(frac: string): string {
  const digits = frac.padEnd(9, '0');
  if (/^0{6}$/.test(digits.slice(3))) return digits.slice(0, 3);
  if (/^0{3}$/.test(digits.slice(6))) return digits.slice(0, 6);
  return digits;
}

/** Whole microseconds since the epoch of a canonical ISO time, for exact ordering. */
export function isoToEpochMicros(iso: string): bigint {
  const wholeSecondMs = Date.parse(`${iso.slice(0, 19)}Z`);
  const micros = (/\.(\d+)Z$/.exec(iso)?.[1] ?? '').padEnd(6, '0').slice(0, 6);
  return BigInt(wholeSecondMs) * 1000n + BigInt(micros);
}

/** Canonical ISO for epoch milliseconds (Binance times, candle opens). */
export function epochMsToIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** RFC 3339 with whole seconds, as Coinbase query parameters take it. */
export function toRfc3339Seconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
