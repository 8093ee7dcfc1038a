import { describe, expect, it } from 'vitest';
import { isCalendarDay, nextDay, startOfDayIso, todayIn } from './zoned-date';

describe('startOfDayIso', () => {
  it('finds local midnight in zones ahead of and behind UTC', () => {
    expect(startOfDayIso('2026-01-15', 'UTC')).toBe('2026-01-15T00:00:00.000Z');
    expect(startOfDayIso('2026-01-15', 'Europe/Paris')).toBe('2026-01-14T23:00:00.000Z');
    expect(startOfDayIso('2026-01-15', 'America/New_York')).toBe('2026-01-15T05:00:00.000Z');
    expect(startOfDayIso('2026-01-15', 'Asia/Kolkata')).toBe('2026-01-14T18:30:00.000Z');
  });

  it('follows daylight saving on the day it changes', () => {
    expect(startOfDayIso('2026-03-29', 'Europe/Paris')).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfDayIso('2026-03-30', 'Europe/Paris')).toBe('2026-03-29T22:00:00.000Z');
    expect(startOfDayIso('2026-11-01', 'America/New_York')).toBe('2026-11-01T04:00:00.000Z');
  });

  it('refuses a day that does not exist', () => {
    expect(() => startOfDayIso('2026-02-29', 'UTC')).toThrow(RangeError);
  });
});

describe('calendar days', () => {
  it('checks and steps days', () => {
    expect(isCalendarDay('2028-02-29')).toBe(true);
    expect(isCalendarDay('2026-13-01')).toBe(false);
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(todayIn('Pacific/Auckland', Date.parse('2026-06-30T20:00:00Z'))).toBe('2026-07-01');
  });
});
