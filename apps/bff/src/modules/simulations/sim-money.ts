import Decimal from 'decimal.js';

import { Dec } from '../../lib/money';

export { Dec, ZERO, moneyString, ratio } from '../../lib/money';

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
