/*
 * Display formatting. Money and quantities arrive as exact decimal strings and are rounded as
 * strings, so what the trader reads is never a float artefact (0.1 + 0.2). Ratios (percent
 * changes, confidences) arrive as numbers and are formatted with Intl.
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
const MINUS = '\u2212';

/** True for a plain decimal string such as `"-12.5"` or `"0.00012"`. */
export function isDecimal(value: string): boolean {
  return DECIMAL.test(value.trim());
}

/** Rounds a decimal string half away from zero to `digits` fraction digits, exactly. */
export function roundDecimal(value: string, digits: number): string {
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new RangeError(`Not a decimal string: ${value}`);
  const [, sign = '', int = '0', frac = ''] = match;
  const kept = BigInt(int + frac.padEnd(digits, '0').slice(0, digits));
  const roundUp = (frac[digits] ?? '0') >= '5';
  const magnitude = (kept + (roundUp ? 1n : 0n)).toString().padStart(digits + 1, '0');
  const intPart = magnitude.slice(0, magnitude.length - digits);
  const fracPart = digits > 0 ? `.${magnitude.slice(magnitude.length - digits)}` : '';
  const isZero = /^0+$/.test(magnitude);
  return `${sign && !isZero ? '-' : ''}${intPart}${fracPart}`;
}

function groupThousands(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export interface DecimalFormat {
  /** Fraction digits to round to (default 8, the finest any exchange quotes). */
  maxDigits?: number;
  /** Fraction digits always shown; trailing zeros past this are trimmed (default 0). */
  minDigits?: number;
  /** Prefix positive values with `+` (P&L). */
  signed?: boolean;
}

/** `"1234.50000"` → `"1,234.5"`; `"-3.456"` with 2 digits → `"−3.46"`. Null shows a dash. */
export function formatDecimal(value: string | null | undefined, format: DecimalFormat = {}): string {
  if (value == null || !isDecimal(value)) return '—';
  const { maxDigits = 8, minDigits = 0, signed = false } = format;
  const rounded = roundDecimal(value, maxDigits);
  const negative = rounded.startsWith('-');
  const [int = '0', frac = ''] = (negative ? rounded.slice(1) : rounded).split('.');
  let shown = frac;
  while (shown.length > minDigits && shown.endsWith('0')) shown = shown.slice(0, -1);
  const body = groupThousands(int) + (shown ? `.${shown}` : '');
  const isZero = /^[0.,]+$/.test(body);
  if (negative) return MINUS + body;
  return signed && !isZero ? `+${body}` : body;
}

/** Quote-currency money: always two decimals (`"−12.30"`). */
export function formatMoney(value: string | null | undefined, signed = false): string {
  return formatDecimal(value, { maxDigits: 2, minDigits: 2, signed });
}

/** Sign of a decimal string: -1, 0 or 1 (for colouring P&L alongside its +/− text). */
export function decimalSign(value: string | null | undefined): -1 | 0 | 1 {
  if (value == null || !isDecimal(value)) return 0;
  if (/^-?0*(\.0*)?$/.test(value.trim())) return 0;
  return value.trim().startsWith('-') ? -1 : 1;
}

const percentFormats = new Map<string, Intl.NumberFormat>();
function percentFormat(digits: number, signed: boolean): Intl.NumberFormat {
  const key = `${digits}:${signed}`;
  let format = percentFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-US', {
      style: 'percent',
      maximumFractionDigits: digits,
      minimumFractionDigits: 0,
      signDisplay: signed ? 'exceptZero' : 'auto',
    });
    percentFormats.set(key, format);
  }
  return format;
}

/** A fraction as a percent: `0.0842` → `"8.4%"`, signed → `"+8.4%"`. */
export function formatPercent(fraction: number | null | undefined, digits = 1, signed = false): string {
  if (fraction == null || !Number.isFinite(fraction)) return '—';
  return percentFormat(digits, signed).format(fraction).replace('-', MINUS);
}

/*
 * Rules hold fractions (8 % is 0.08); people type percents. Both directions go through
 * toPrecision(12) so that 0.07 shows as 7, not 7.000000000000001, and 7 goes back as 0.07.
 */
export function fractionToPercentInput(fraction: number): string {
  return String(Number((fraction * 100).toPrecision(12)));
}

/** `"8"` or `"8.5"` → 0.08 / 0.085; null when the text is not a number. */
export function percentInputToFraction(text: string): number | null {
  const trimmed = text.trim().replace(/\s*%$/, '');
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) return null;
  return Number((Number(trimmed) / 100).toPrecision(12));
}

/** Hours as a short human duration: 0.5 → "30 min", 5 → "5 h", 50 → "2 d 2 h". */
export function formatHours(hours: number | null | undefined): string {
  if (hours == null || !Number.isFinite(hours)) return '—';
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  if (hours < 48) return `${Number(hours.toFixed(1))} h`;
  const days = Math.floor(hours / 24);
  const rest = Math.round(hours - days * 24);
  return rest > 0 ? `${days} d ${rest} h` : `${days} d`;
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
/** An instant in the trader's own time zone: "Mar 4, 14:05". */
export function formatDateTime(iso: string, timeZone: string | undefined, withYear = false): string {
  const key = `${timeZone ?? ''}:${withYear}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: withYear ? 'numeric' : undefined,
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    dateTimeFormats.set(key, format);
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : format.format(date);
}
