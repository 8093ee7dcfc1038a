import { describe, expect, it } from 'vitest';
import { skipLabel } from './skip-label';
import type { SimLot } from './sim-lot';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-02T00:00:00Z');

function lot(id: string, entryHour: number, exitHour: number, pnl: string, cost: string): SimLot {
  return {
    key: 'coinbase|ETH-USD',
    entryTradeId: `b-${id}`,
    exitTradeId: `s-${id}`,
    qty: '1',
    entryPrice: cost,
    entryFee: '0',
    entryTs: new Date(T0 + entryHour * HOUR),
    exitTs: new Date(T0 + exitHour * HOUR),
    pnlQuote: pnl,
    entryFill: { qty: '1', price: cost, feeQuote: '0' },
  };
}

describe('skipLabel', () => {
  const lots = [lot('a', 0, 5, '-12.5', '100'), lot('b', 2, 8, '4.25', '50'), lot('c', 3, 10, '-3', '200')];
  const tagged = new Set(['b-a', 's-c']);

  it('leaves out the lots whose entry or exit carries the label (hand-computed)', () => {
    const result = skipLabel({
      lots,
      label: 'FOMO',
      isLabelled: (l) => tagged.has(l.entryTradeId) || tagged.has(l.exitTradeId!),
      periodStart: T0,
      periodEnd: T0 + 10 * HOUR,
      symbol: 'ETH-USD',
      currency: 'USD',
    });
    // All: −12.5 + 4.25 − 3 = −11.25 on 350; without a and c: 4.25 on 50.
    expect(result).toMatchObject({
      kind: 'skipLabel',
      actualPnl: '-11.25',
      counterfactualPnl: '4.25',
      difference: '15.5',
      positions: 3,
    });
    expect(result.actualReturn).toBeCloseTo(-11.25 / 350, 12);
    expect(result.counterfactualReturn).toBeCloseTo(4.25 / 50, 12);
    expect(result.explanation).toContain('Without the 2 whose entry or exit was tagged FOMO');
    // Realised steps at each exit hour.
    const at = (hour: number) =>
      result.series.find((p) => p.ts === new Date(T0 + hour * HOUR).toISOString())!;
    expect(at(4)).toMatchObject({ actual: 0, counterfactual: 0 });
    expect(at(5)).toMatchObject({ actual: -12.5, counterfactual: 0 });
    expect(at(10)).toMatchObject({ actual: -11.25, counterfactual: 4.25 });
  });

  it('says so when no position carries the label', () => {
    const result = skipLabel({
      lots,
      label: 'PANIC',
      isLabelled: () => false,
      periodStart: T0,
      periodEnd: T0 + 10 * HOUR,
      symbol: 'ETH-USD',
      currency: 'USD',
    });
    expect(result).toMatchObject({ difference: '0', counterfactualPnl: '-11.25' });
    expect(result.explanation).toMatch(/none of your 3 closed positions/);
  });
});
