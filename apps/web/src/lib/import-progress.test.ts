import { describe, expect, it } from 'vitest';
import { importPercent, importStatusText, isFinished, type ImportState } from './import-progress';

const base: ImportState = {
  status: 'running',
  phase: 'queued',
  fetched: 0,
  inserted: 0,
  duplicates: 0,
  scored: 0,
};

describe('importPercent', () => {
  it('moves through the phases and fills while scoring', () => {
    const phases = [
      { ...base, status: 'queued' as const },
      { ...base, phase: 'fetching' as const, fetched: 120 },
      { ...base, phase: 'candles' as const },
      { ...base, phase: 'pairing' as const },
      { ...base, phase: 'scoring' as const, inserted: 300, toScore: 300, scored: 0 },
      { ...base, phase: 'scoring' as const, inserted: 300, toScore: 300, scored: 150 },
      { ...base, phase: 'scoring' as const, inserted: 300, toScore: 300, scored: 300 },
      { ...base, status: 'succeeded' as const, phase: 'done' as const },
    ];
    const values = phases.map(importPercent);
    expect(values).toEqual([0, 2, 30, 45, 50, 75, 100, 100]);
  });

  it('uses the trades inserted when no live denominator came, and never passes 100', () => {
    expect(importPercent({ ...base, phase: 'scoring', inserted: 40, scored: 10 })).toBe(63);
    expect(importPercent({ ...base, phase: 'scoring', inserted: 10, toScore: 10, scored: 12 })).toBe(100);
    expect(importPercent({ ...base, phase: 'scoring', inserted: 0, toScore: 0, scored: 0 })).toBe(50);
  });
});

describe('importStatusText', () => {
  it('says what is happening in words', () => {
    expect(importStatusText({ ...base, phase: 'fetching', fetched: 42 })).toBe(
      'Fetching your fills… 42 so far',
    );
    expect(importStatusText({ ...base, phase: 'scoring', toScore: 300, scored: 12 })).toBe(
      'Tagging trades: 12 of 300',
    );
    expect(
      importStatusText({ ...base, status: 'succeeded', phase: 'done', inserted: 1, duplicates: 3 }),
    ).toBe('Done: 1 new trade, 3 already imported, all tagged.');
    expect(
      importStatusText({
        ...base,
        status: 'failed',
        phase: 'failed',
        error: 'Coinbase could not be reached',
      }),
    ).toBe('The import stopped: Coinbase could not be reached');
  });

  it('knows when an import is over', () => {
    expect(isFinished({ status: 'running' })).toBe(false);
    expect(isFinished({ status: 'failed' })).toBe(true);
  });
});
