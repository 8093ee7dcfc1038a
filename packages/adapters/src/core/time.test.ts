import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoToEpochMicros, parseExactTime } from './time';

describe('parseExactTime', () => {
  it('keeps 0, 3 and 6 fraction digits exactly', () => {
    expect(parseExactTime('2024-05-30T09:00:05Z')).toBe('2024-05-30T09:00:05.000Z');
    expect(parseExactTime('2024-05-28T08:15:42.987Z')).toBe('2024-05-28T08:15:42.987Z');
    expect(parseExactTime('2024-05-30T14:22:31.123456Z')).toBe('2024-05-30T14:22:31.123456Z');
    expect(parseExactTime('2024-05-30T14:22:31.120000Z')).toBe('2024-05-30T14:22:31.120Z');
    expect(parseExactTime('2024-05-28T07:59:59.000001Z')).toBe('2024-05-28T07:59:59.000001Z');
    expect(parseExactTime('2024-05-29T22:10:00.5Z')).toBe('2024-05-29T22:10:00.500Z');
  });

  it('converts offsets to UTC', () => {
    expect(parseExactTime('2024-01-01T00:30:00.250+01:00')).toBe('2023-12-31T23:30:00.250Z');
    expect(parseExactTime('2024-01-01T23:30:00-0230')).toBe('2024-01-02T02:00:00.000Z');
  });

  it('reads zone-less CSV times as UTC only when asked', () => {
    expect(parseExactTime('2024-05-30 12:42:31')).toBeUndefined();
    expect(parseExactTime('2024-05-30 12:42:31', { assumeUtc: true })).toBe('2024-05-30T12:42:31.000Z');
    expect(parseExactTime('2024-05-30 14:22:31 UTC')).toBe('2024-05-30T14:22:31.000Z');
  });

  it('rejects impossible dates', () => {
    for (const bad of [
      '2024-02-30T00:00:00Z',
      '2024-05-30T25:00:00Z',
      '2024-13-01T00:00:00Z',
      'yesterday',
      '',
    ]) {
      expect(parseExactTime(bad)).toBeUndefined();
    }
  });

  it('round-trips any microsecond instant', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 4_102_444_800_000_000n }), (micros) => {
        const ms = Number(micros / 1000n);
        const frac = String(micros % 1_000_000n).padStart(6, '0');
        const text = `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
        const iso = parseExactTime(text)!;
        expect(isoToEpochMicros(iso)).toBe(micros);
      }),
    );
  });
});
