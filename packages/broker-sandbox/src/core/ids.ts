import { mix } from './hash';

/**
 * A UUID (version 4 layout) derived from numbers, so a fill's `trade_id` or an account's `user_id`
 * is the same in every process and on every call.
 */
export function stableUuid(key: number, salt: number, seed = 0): string {
  const hi = Math.floor(key / 0x100000000);
  const words = [
    mix(seed, salt, key, hi, 1),
    mix(seed, salt, key, hi, 2),
    mix(seed, salt, key, hi, 3),
    mix(seed, salt, key, hi, 4),
  ];
  words[1] = (words[1]! & 0xffff0fff) | 0x00004000;
  words[2] = (words[2]! & 0x3fffffff) | 0x80000000;
  const hex = words.map((w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
