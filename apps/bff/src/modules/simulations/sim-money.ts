import Decimal from 'decimal.js';

/**
 * Decimal arithmetic for simulations: 40 significant digits, so that sums and products of amounts
 * as exchanges report them, and a division whose exact result terminates (a fee rate of 0.1 %),
 * stay exact; more digits only slow every operation down.
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });
export type Dec = InstanceType<typeof Dec>;

export const ZERO = new Dec(0);

/** A money amount on the wire: at most 18 decimal places (the storage scale), never `-0`. */
export function moneyString(value: Dec): string {
  const rounded = value.toDecimalPlaces(18, Decimal.ROUND_HALF_EVEN);
  return rounded.isZero() ? '0' : rounded.toFixed();
}

/** For sentences: two decimals with a sign and thousands separators (`+1,234.50`). */
export function moneyWords(value: Dec, currency: string): string {
  const fixed = value.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN).abs().toFixed(2);
  const [whole, cents] = fixed.split('.') as [string, string];
  const sign = value.isNeg() && !value.toDecimalPlaces(2).isZero() ? '−' : value.isZero() ? '' : '+';
  return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents} ${currency}`;
}

/** A price for sentences: up to 8 significant digits. */
export function priceWords(value: Dec | number): string {
  return String(Number(new Dec(value).toSignificantDigits(8)));
}

/** `pnl ÷ capital` as a number, or null without capital. */
export function ratio(pnl: Dec, capital: Dec): number | null {
  return capital.isZero() ? null : pnl.div(capital).toNumber();
}
