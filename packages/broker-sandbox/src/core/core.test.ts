import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatScaled } from './decimal';
import { Draws } from './hash';
import { stableUuid } from './ids';
import { formatRfc3339, parseRfc3339 } from './time';

describe('formatScaled', () => {
  it('prints exact decimals, fixed or trimmed', () => {
    expect(formatScaled(12345n, 2, 'fixed')).toBe('123.45');
    expect(formatScaled(150000000n, 8, 'trim')).toBe('1.5');
    expect(formatScaled(5n, 8, 'fixed')).toBe('0.00000005');
    expect(formatScaled(100n, 2, 'trim')).toBe('1');
    expect(formatScaled(-7n, 2, 'fixed')).toBe('-0.07');
  });

  it('round-trips any scaled integer through its decimal string', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.integer({ min: 0, max: 12 }),
        (value, scale) => {
          for (const mode of ['fixed', 'trim'] as const) {
            const text = formatScaled(value, scale, mode);
            expect(text).toMatch(/^-?\d+(\.\d+)?$/);
            const [whole, fraction = ''] = text.replace('-', '').split('.');
            const back = BigInt(whole! + fraction.padEnd(scale, '0')) * (text.startsWith('-') ? -1n : 1n);
            expect(back).toBe(value);
          }
        },
      ),
    );
  });
});

describe('RFC 3339 times', () => {
  it('prints 0, 3 or 6 fraction digits and parses them back to microseconds', () => {
    const us = Date.UTC(2026, 2, 4, 5, 6, 7) * 1000 + 123_456;
    expect(formatRfc3339(us, 0)).toBe('2026-03-04T05:06:07Z');
    expect(formatRfc3339(us, 3)).toBe('2026-03-04T05:06:07.123Z');
    expect(formatRfc3339(us, 6)).toBe('2026-03-04T05:06:07.123456Z');
    expect(parseRfc3339('2026-03-04T05:06:07.123456Z')).toBe(us);
    expect(parseRfc3339('2026-03-04T07:06:07.123456+02:00')).toBe(us);
    expect(parseRfc3339('yesterday')).toBeUndefined();
  });

  it('round-trips every microsecond time at full precision', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000_000 }), (us) => {
        expect(parseRfc3339(formatRfc3339(us, 6))).toBe(us);
        expect(parseRfc3339(formatRfc3339(us, 3))).toBe(Math.floor(us / 1000) * 1000);
      }),
    );
  });
});

describe('Draws and stableUuid', () => {
  it('repeat for the same key and differ for another', () => {
    const a = new Draws(7);
    const b = new Draws(7);
    const c = new Draws(8);
    const seqA = [a.next(), a.next(), a.int(1, 6)];
    expect([b.next(), b.next(), b.int(1, 6)]).toEqual(seqA);
    expect(c.next()).not.toBe(seqA[0]);
    expect(stableUuid(12345678901, 2, 1)).toBe(stableUuid(12345678901, 2, 1));
    expect(stableUuid(12345678901, 2, 1)).not.toBe(stableUuid(12345678902, 2, 1));
    expect(stableUuid(1, 1)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
