import { describe, expect, it } from 'vitest';
import { labelCosts, simulationColumns, stackWeeks } from './chart-series';

describe('stackWeeks', () => {
  it('stacks label counts per week, only for labels that occur', () => {
    const stacked = stackWeeks([
      { weekStart: '2026-03-02', counts: { FOMO: 2, DISCIPLINE: 1 } },
      { weekStart: '2026-03-09', counts: { FOMO: 1, PANIC: 3 } },
    ]);
    expect(stacked.labels).toEqual(['FOMO', 'PANIC', 'DISCIPLINE']);
    expect(stacked.counts).toEqual({ FOMO: [2, 1], PANIC: [0, 3], DISCIPLINE: [1, 0] });
    expect(stacked.tops).toEqual({ FOMO: [2, 1], PANIC: [2, 4], DISCIPLINE: [3, 4] });
  });
});

describe('labelCosts', () => {
  it('lists labels that occurred, costliest first', () => {
    const costs = labelCosts([
      { label: 'FOMO', count: 3, previousWeekCount: 1, trend: 'up', pnl: '-40.5', positions: 2 },
      { label: 'PANIC', count: 0, previousWeekCount: 2, trend: 'down', pnl: '0', positions: 0 },
      { label: 'DISCIPLINE', count: 2, previousWeekCount: 2, trend: 'same', pnl: '12', positions: 2 },
    ]);
    expect(costs.map((c) => [c.label, c.pnl, c.pnlText])).toEqual([
      ['FOMO', -40.5, '-40.5'],
      ['DISCIPLINE', 12, '12'],
    ]);
  });
});

describe('simulationColumns', () => {
  it('sorts points by time into uPlot columns', () => {
    expect(
      simulationColumns([
        { ts: '2026-03-01T02:00:00Z', actual: 2, counterfactual: 3 },
        { ts: '2026-03-01T01:00:00Z', actual: 1, counterfactual: 1 },
      ]),
    ).toEqual([
      [1772326800, 1772330400],
      [1, 2],
      [1, 3],
    ]);
  });
});
