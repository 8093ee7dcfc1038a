import type { RawFill } from '@tt/shared';

/**
 * What identifies one execution across sources that share no id: broker, symbol, side, exact
 * quantity and price, and the time to the second (Binance's export has whole seconds). The BFF
 * uses it to keep a CSV fill whose extId starts with `csv:` from doubling an API fill already
 * stored (same user and broker, equal fingerprint, matched one to one).
 */
export function fillFingerprint(
  fill: Pick<RawFill, 'broker' | 'symbol' | 'side' | 'qty' | 'price' | 'ts'>,
): string {
  return [fill.broker, fill.symbol, fill.side, fill.qty, fill.price, fill.ts.slice(0, 19)].join('|');
}

/** The outcome of converting one CSV row. */
export type RowResult =
  | { kind: 'fill'; fill: Omit<RawFill, 'extId'> & { extId?: string } }
  | { kind: 'skip' }
  | { kind: 'error'; message: string };

export const rowError = (message: string): RowResult => ({ kind: 'error', message });

/** Reads a cell by its (lower-case) header; `''` when the file has no such column. */
export type Row = (header: string) => string;
