/**
 * Exact decimal strings from scaled integers. Prices are held as integer ticks (scale 2) and
 * quantities as integer units (scale 8); products and fees are computed in BigInt, so no value on
 * the wire ever passed through a float.
 */

/** `formatScaled(12345n, 2)` is `"123.45"`; `trim` drops trailing zeros (`"1.5"` rather than `"1.50000000"`). */
export function formatScaled(value: bigint, scale: number, mode: 'trim' | 'fixed'): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  let fraction = digits.slice(digits.length - scale);
  if (mode === 'trim') fraction = fraction.replace(/0+$/, '');
  const body = fraction.length > 0 ? `${whole}.${fraction}` : whole;
  return negative ? `-${body}` : body;
}

export const PRICE_SCALE = 2;
export const QTY_SCALE = 8;
/** Scale of price × quantity. */
export const QUOTE_SCALE = PRICE_SCALE + QTY_SCALE;

/** Quote value (scale 10) of a fill. */
export function quoteValue(priceTicks: number, qtyUnits: number): bigint {
  return BigInt(priceTicks) * BigInt(qtyUnits);
}
