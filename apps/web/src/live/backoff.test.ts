import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './backoff';

describe('reconnectDelay', () => {
  it('stays below an exponentially growing ceiling capped at the maximum', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const delay = reconnectDelay('backoff', attempt, () => r, { initialMs: 500, maxMs: 30_000 });
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(Math.min(30_000, 500 * 2 ** attempt));
        },
      ),
    );
  });

  it('comes back within the first step when asked to reconnect now, and in the upper half of the maximum when asked to wait', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (r) => {
        expect(reconnectDelay('now', 9, () => r)).toBeLessThan(500);
        const later = reconnectDelay('later', 0, () => r);
        expect(later).toBeGreaterThanOrEqual(15_000);
        expect(later).toBeLessThan(30_000);
      }),
    );
  });

  it('never reaches the ceiling, even for the largest random fraction', () => {
    const almostOne = () => 1 - 2 ** -53;
    expect(reconnectDelay('later', 0, almostOne)).toBe(29_999);
    expect(reconnectDelay('backoff', 50, almostOne)).toBe(29_999);
    expect(reconnectDelay('now', 0, almostOne)).toBe(499);
  });
});
