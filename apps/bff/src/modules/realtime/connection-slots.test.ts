import { describe, expect, it } from 'vitest';
import { createMemoryCache } from '../../infra/cache';
import { createConnectionSlots } from './connection-slots';

function slotsAt() {
  const clock = { now: 0 };
  const cache = createMemoryCache({ now: () => clock.now });
  return { clock, slots: createConnectionSlots({ cache, perUser: 5, ttlMs: 90_000 }) };
}

describe('createConnectionSlots', () => {
  it('gives a user five slots and refuses the sixth', async () => {
    const { slots } = slotsAt();
    const claimed = [];
    for (let i = 0; i < 6; i++) claimed.push(await slots.claim('u1', `c${i}`));
    expect(claimed).toEqual([0, 1, 2, 3, 4, null]);
    expect(await slots.claim('u2', 'other')).toBe(0);
  });

  it('frees a slot on release, but only for the socket that holds it', async () => {
    const { slots } = slotsAt();
    for (let i = 0; i < 5; i++) await slots.claim('u1', `c${i}`);
    await slots.release('u1', 2, 'someone-else');
    expect(await slots.claim('u1', 'c5')).toBeNull();
    await slots.release('u1', 2, 'c2');
    expect(await slots.claim('u1', 'c5')).toBe(2);
  });

  it('frees the slots of a process that died once they are not refreshed, and keeps refreshed ones', async () => {
    const { clock, slots } = slotsAt();
    for (let i = 0; i < 5; i++) await slots.claim('u1', `c${i}`);
    clock.now = 60_000;
    await slots.refresh('u1', 0, 'c0');
    clock.now = 100_000;
    expect(await slots.claim('u1', 'new')).toBe(1);
    expect(await slots.claim('u1', 'newer')).toBe(2);
  });
});
