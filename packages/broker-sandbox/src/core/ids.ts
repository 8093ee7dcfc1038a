import { mix } from './hash';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(word: number): string {
  return HEX[word >>> 24]! + HEX[(word >>> 16) & 0xff]! + HEX[(word >>> 8) & 0xff]! + HEX[word & 0xff]!;
}

/**
 * A UUID (version 4 layout) derived from numbers, so a fill's `trade_id` or an account's `user_id`
 * is the same in every process and on every call.
 */
export function stableUuid(key: number, salt: number, seed = 0): string {
  const hi = Math.floor(key / 0x100000000);
  const a = hex32(mix(seed, salt, key, hi, 1));
  const b = hex32(((mix(seed, salt, key, hi, 2) & 0xffff0fff) | 0x00004000) >>> 0);
  const c = hex32(((mix(seed, salt, key, hi, 3) & 0x3fffffff) | 0x80000000) >>> 0);
  const d = hex32(mix(seed, salt, key, hi, 4));
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}
