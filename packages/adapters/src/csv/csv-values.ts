import { normalizeDecimal } from '../core/decimal';

/** A decimal cell: thousands separators and a leading currency sign (`$1,234.50`) are tolerated. */
export function decimalCell(text: string): string | undefined {
  const cleaned = text
    .trim()
    .replace(/,/g, '')
    .replace(/^([+-]?)[$€£]/, '$1');
  return cleaned === '' ? undefined : normalizeDecimal(cleaned);
}

/** `0.00100000BTC` → `{ amount: '0.001', asset: 'BTC' }` (Binance's statement export). */
export function amountWithAsset(text: string): { amount: string; asset: string } | undefined {
  const match = /^([+-]?[\d,]*\.?\d+(?:[eE][+-]?\d+)?)\s*([A-Za-z0-9]+)$/.exec(text.trim());
  if (!match) return undefined;
  const amount = decimalCell(match[1]!);
  return amount === undefined ? undefined : { amount, asset: match[2]!.toUpperCase() };
}

/** An asset code in upper case, or undefined when the cell is not one. */
export function assetCell(text: string): string | undefined {
  const asset = text.trim().toUpperCase();
  return /^[A-Z0-9]{1,20}$/.test(asset) ? asset : undefined;
}
