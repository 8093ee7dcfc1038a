import { describe, expect, it } from 'vitest';
import { createFakeTime } from '../test-support/fake-fetch';
import { RequestBudget } from './request-budget';

describe('RequestBudget', () => {
  it('lets perMinute requests start at once and holds the next one until the oldest leaves the window', async () => {
    const time = createFakeTime(0);
    const budget = new RequestBudget({ perMinute: 2, now: time.clock.now, sleep: time.sleep });
    expect(await budget.take()).toBe(0);
    time.advance(10_000);
    expect(await budget.take()).toBe(0);
    expect(await budget.take()).toBe(50_500);
    expect(time.clock.now()).toBe(60_500);
  });

  it('holds everyone back until a pause ends', async () => {
    const time = createFakeTime(0);
    const budget = new RequestBudget({ perMinute: 10, now: time.clock.now, sleep: time.sleep });
    await budget.pauseUntil(7_000);
    await budget.pauseUntil(3_000);
    expect(await budget.take()).toBe(7_000);
  });

  it('refuses a budget that is not a positive integer', () => {
    const time = createFakeTime(0);
    for (const perMinute of [0, -1, 1.5, Number.NaN]) {
      expect(() => new RequestBudget({ perMinute, now: time.clock.now, sleep: time.sleep })).toThrow(
        RangeError,
      );
    }
  });
});
