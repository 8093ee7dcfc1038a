/**
 * Counter-based randomness: every random number is a pure function of its inputs, so the market
 * and the traders can be recomputed for any hour, in any order, in any process, identically.
 */

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
function fmix32(input: number): number {
  let h = input;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes up to five 32-bit integers (larger numbers are split so no bit is lost) into one. */
export function mix(a: number, b = 0, c = 0, d = 0, e = 0): number {
  let h = fmix32((a | 0) ^ 0x9e3779b9);
  h = fmix32(h ^ Math.imul(b | 0, 0x85ebca6b) ^ (Math.floor(b / 0x100000000) | 0));
  h = fmix32(h ^ Math.imul(c | 0, 0xc2b2ae35) ^ (Math.floor(c / 0x100000000) | 0));
  h = fmix32(h ^ Math.imul(d | 0, 0x27d4eb2f) ^ (Math.floor(d / 0x100000000) | 0));
  h = fmix32(h ^ Math.imul(e | 0, 0x165667b1) ^ (Math.floor(e / 0x100000000) | 0));
  return h;
}

/** A uniform number in [0, 1) from the hash of the inputs. */
export function uniform(a: number, b = 0, c = 0, d = 0, e = 0): number {
  return mix(a, b, c, d, e) / 0x100000000;
}

/** A standard normal number (Box-Muller) from the hash of the inputs. */
export function normal(a: number, b = 0, c = 0, d = 0): number {
  const u1 = (mix(a, b, c, d, 1) + 0.5) / 0x100000000;
  const u2 = mix(a, b, c, d, 2) / 0x100000000;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Maps a uniform number in [0, 1) to an index chosen with the given relative weights. */
export function weightedIndex(roll: number, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let rest = roll * total;
  for (let i = 0; i < weights.length; i++) {
    rest -= weights[i]!;
    if (rest < 0) return i;
  }
  return weights.length - 1;
}

/** A sequence of random draws keyed once: `new Draws(key).next()` never depends on call sites elsewhere. */
export class Draws {
  private counter = 0;

  constructor(private readonly key: number) {}

  next(): number {
    return uniform(this.key, this.counter++);
  }

  between(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** An integer in [low, high], both inclusive. */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** An index chosen with the given relative weights. */
  weighted(weights: readonly number[]): number {
    return weightedIndex(this.next(), weights);
  }
}
