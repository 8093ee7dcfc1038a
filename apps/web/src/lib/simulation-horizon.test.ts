import { describe, expect, it } from 'vitest';
import { defaultHorizonDays } from './simulation-horizon';

describe('defaultHorizonDays', () => {
  const now = Date.parse('2026-03-20T12:00:00Z');
  it('picks the longest horizon up to a week that has passed', () => {
    expect(defaultHorizonDays('2026-03-01T12:00:00Z', now)).toBe(7);
    expect(defaultHorizonDays('2026-03-16T12:00:00Z', now)).toBe(3);
    expect(defaultHorizonDays('2026-03-19T06:00:00Z', now)).toBe(1);
    expect(defaultHorizonDays('2026-03-20T06:00:00Z', now)).toBe(1);
  });
});
