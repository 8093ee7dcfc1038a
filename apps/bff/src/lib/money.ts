import Decimal from 'decimal.js';

/**
 * The one decimal type for money and quantities. decimal.js defaults to 20 significant digits,
 * which silently rounds products of exchange amounts; stored values have up to 38 digits
 * (numeric(38,18)), so products and sums need about twice that to stay exact.
 */
export const Dec = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_EVEN });
export type Dec = InstanceType<typeof Dec>;

export const ZERO = new Dec(0);

/** A money amount on the wire and in storage: at most 18 decimal places (the column scale), never `-0`. */
export function moneyString(value: Dec): string {
  const rounded = value.toDecimalPlaces(18, Decimal.ROUND_HALF_EVEN);
  return rounded.isZero() ? '0' : rounded.toFixed();
}

/**
 * `part / whole` as a double, or null when `whole` is zero: P&L as a fraction of cost, a return on
 * capital. Stored and compared as doubles, so a double quotient (within 2 ulp of the exact one)
 * serves, without an 80-digit division per position.
 */
export const ratio = (part: Dec, whole: Dec): number | null =>
  whole.isZero() ? null : part.toNumber() / whole.toNumber();
