import { describe, expect, it } from 'vitest';
import { dueWeek, lastFullWeek, weekStarting, zonedTime } from './local-week';

const iso = (ms: number | Date) => new Date(ms).toISOString();
const hours = (w: { start: Date; end: Date }) => (w.end.getTime() - w.start.getTime()) / 3_600_000;

describe('local weeks', () => {
  it('runs Monday 00:00 to Monday 00:00 local time, 167 or 169 hours across DST', () => {
    const berlinSpring = weekStarting('2026-03-23', 'Europe/Berlin');
    expect([iso(berlinSpring.start), iso(berlinSpring.end), hours(berlinSpring)]).toEqual([
      '2026-03-22T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
      167,
    ]);
    const newYorkFall = weekStarting('2026-10-26', 'America/New_York');
    expect([iso(newYorkFall.start), iso(newYorkFall.end), hours(newYorkFall)]).toEqual([
      '2026-10-26T04:00:00.000Z',
      '2026-11-02T05:00:00.000Z',
      169,
    ]);
    expect(newYorkFall.lastDay).toBe('2026-11-01');
  });

  it('finds the last full week from the local date, not the UTC one', () => {
    // Sunday 20:00 UTC is already Monday morning in Auckland (UTC+13 in November).
    const auckland = lastFullWeek(new Date('2026-11-01T20:00:00Z'), 'Pacific/Auckland');
    expect([auckland.firstDay, iso(auckland.start), iso(auckland.end)]).toEqual([
      '2026-10-26',
      '2026-10-25T11:00:00.000Z',
      '2026-11-01T11:00:00.000Z',
    ]);
    expect(lastFullWeek(new Date('2026-11-01T20:00:00Z'), 'UTC').firstDay).toBe('2026-10-19');
    // Monday 02:00 UTC is still Sunday evening in Los Angeles.
    expect(lastFullWeek(new Date('2026-11-02T02:00:00Z'), 'America/Los_Angeles').firstDay).toBe('2026-10-19');
  });

  it('picks the start of a day that begins in a DST gap (Havana skips midnight)', () => {
    expect(iso(zonedTime('2026-03-08', 0, 'America/Havana'))).toBe('2026-03-08T05:00:00.000Z');
    expect(iso(zonedTime('2026-03-08', 2, 'America/New_York'))).toBe('2026-03-08T07:00:00.000Z');
  });
});

describe('dueWeek (the scheduled digest)', () => {
  it('turns to the last full week at 06:00 on the local Monday', () => {
    // Berlin on the Monday after the spring change: 06:00 CEST is 04:00 UTC.
    expect(dueWeek(new Date('2026-03-30T03:59:00Z'), 'Europe/Berlin').firstDay).toBe('2026-03-16');
    expect(dueWeek(new Date('2026-03-30T04:00:00Z'), 'Europe/Berlin').firstDay).toBe('2026-03-23');
    // New York on the Monday after the autumn change: 06:00 EST is 11:00 UTC.
    expect(dueWeek(new Date('2026-11-02T10:59:00Z'), 'America/New_York').firstDay).toBe('2026-10-19');
    expect(dueWeek(new Date('2026-11-02T11:00:00Z'), 'America/New_York').firstDay).toBe('2026-10-26');
    // Kolkata is UTC+05:30: Monday 06:00 is Monday 00:30 UTC.
    expect(dueWeek(new Date('2026-11-02T00:30:00Z'), 'Asia/Kolkata').firstDay).toBe('2026-10-26');
    // Auckland's Monday 06:00 is Sunday 17:00 UTC.
    expect(dueWeek(new Date('2026-11-01T17:00:00Z'), 'Pacific/Auckland').firstDay).toBe('2026-10-26');
  });

  it('stays on the last full week for the rest of the week, so a missed digest is caught up', () => {
    expect(dueWeek(new Date('2026-11-05T12:00:00Z'), 'Europe/Berlin').firstDay).toBe('2026-10-26');
    expect(dueWeek(new Date('2026-11-08T22:59:00Z'), 'Europe/Berlin').firstDay).toBe('2026-10-26');
  });
});
