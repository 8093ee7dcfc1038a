import Decimal from 'decimal.js';

const PLAIN = /^([+-]?)(\d*)(?:\.(\d*))?$/;
const SCIENTIFIC = /^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/;

/**
 * Canonical form of an exact decimal string: no sign for positives, no leading zeros, no trailing
 * fractional zeros (`"00.5000"` → `"0.5"`, `"-0"` → `"0"`). The value is preserved exactly, which is
 * what lets API and CSV fills of one trade compare equal. Returns `undefined` when `input` is not a
 * decimal (thousands separators are not accepted here: strip them first).
 */
export function normalizeDecimal(input: string): string | undefined {
  const text = input.trim();
  const match = PLAIN.exec(text);
  if (!match) {
    return SCIENTIFIC.test(text) ? normalizeDecimal(new Decimal(text).toFixed()) : undefined;
  }
  const [, sign = '', intDigits = '', fracDigits = ''] = match;
  if (intDigits === '' && fracDigits === '') return undefined;
  const int = intDigits.replace(/^0+(?=\d)/, '') || '0';
  const frac = fracDigits.replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  if (body === '0') return '0';
  return sign === '-' ? `-${body}` : body;
}

/** True when `value` is a canonical decimal greater than zero. */
export function isPositiveDecimal(value: string): boolean {
  return !value.startsWith('-') && value !== '0';
}

/** The absolute value of a canonical decimal string. */
export function absDecimal(value: string): string {
  return value.startsWith('-') ? value.slice(1) : value;
}

/** Exact product of two decimal strings, canonical. */
export function multiplyDecimals(a: string, b: string): string {
  return normalizeDecimal(new Decimal(a).times(b).toFixed())!;
}

/** Exact difference `a − b`, canonical. */
export function subtractDecimals(a: string, b: string): string {
  return normalizeDecimal(new Decimal(a).minus(b).toFixed())!;
}

/**
 * `a ÷ b`, rounded half-even to `decimals` places (a quotient is not exact in general). Used only
 * where an exchange reports a size in quote currency and we need the base quantity.
 */
export function divideDecimals(a: string, b: string, decimals = 18): string {
  return normalizeDecimal(
    new Decimal(a).dividedBy(b).toDecimalPlaces(decimals, Decimal.ROUND_HALF_EVEN).toFixed(),
  )!;
}
