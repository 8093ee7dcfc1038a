import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Dec as Decimal } from '../../lib/money';
import { pairFifo, type PairableFill } from './pair-fifo';

const t0 = Date.parse('2026-11-01T00:00:00Z');
const fill = (
  id: string,
  side: 'BUY' | 'SELL',
  qty: string,
  price: string,
  feeQuote: string,
  hour: number,
): PairableFill => ({
  id,
  side,
  qty,
  price,
  feeQuote,
  ts: new Date(t0 + hour * 3_600_000),
});

describe('pairFifo', () => {
  it('pairs a round trip with exact P&L after both fees', () => {
    const { lots } = pairFifo([
      fill('b', 'BUY', '1', '100', '0.1', 0),
      fill('s', 'SELL', '1', '110', '0.11', 5),
    ]);
    expect(lots).toHaveLength(1);
    expect(lots[0]).toMatchObject({
      qty: '1',
      entryFee: '0.1',
      exitFee: '0.11',
      heldHours: 5,
      pnlQuote: '9.79',
    });
    expect(lots[0]!.pnlPct).toBeCloseTo(9.79 / 100.1, 12);
  });

  it('splits a partial exit across two entries, oldest first', () => {
    const { lots } = pairFifo([
      fill('b1', 'BUY', '0.3', '100', '0.3', 0),
      fill('b2', 'BUY', '0.7', '200', '0.7', 1),
      fill('s1', 'SELL', '0.5', '300', '0.5', 2),
    ]);
    const closed = lots.filter((l) => l.exitTradeId);
    expect(closed.map((l) => [l.entryTradeId, l.qty, l.entryFee, l.exitFee])).toEqual([
      ['b1', '0.3', '0.3', '0.3'],
      ['b2', '0.2', '0.2', '0.2'],
    ]);
    const open = lots.filter((l) => !l.exitTradeId);
    expect(open).toEqual([expect.objectContaining({ entryTradeId: 'b2', qty: '0.5', entryFee: '0.5' })]);
  });

  it('reports sells with no earlier buy instead of inventing an entry', () => {
    const { lots, unmatchedExits } = pairFifo([
      fill('s', 'SELL', '2', '50', '0.2', 0),
      fill('b', 'BUY', '1', '40', '0', 1),
    ]);
    expect(unmatchedExits).toEqual([{ tradeId: 's', qty: '2', fee: '0.2' }]);
    expect(lots).toEqual([expect.objectContaining({ entryTradeId: 'b', exitTradeId: null, qty: '1' })]);
  });

  it('does not depend on the order fills arrive in', () => {
    const fills = [
      fill('b1', 'BUY', '1', '10', '0', 0),
      fill('b2', 'BUY', '1', '20', '0', 0),
      fill('s', 'SELL', '1.5', '30', '0', 1),
    ];
    expect(pairFifo([...fills].reverse())).toEqual(pairFifo(fills));
  });

  const decimalArb = (max: number) =>
    fc.integer({ min: 1, max: max * 1000 }).map((n) => new Decimal(n).div(1000).toFixed());
  const fillsArb = fc
    .array(
      fc.record({
        side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
        qty: decimalArb(5),
        price: decimalArb(1000),
        fee: fc.integer({ min: 0, max: 5000 }).map((n) => new Decimal(n).div(10_000).toFixed()),
        hour: fc.integer({ min: 0, max: 720 }),
      }),
      { maxLength: 40 },
    )
    .map((rows) =>
      rows.map((r, i) => fill(`f${String(i).padStart(3, '0')}`, r.side, r.qty, r.price, r.fee, r.hour)),
    );

  it('conserves quantity and fees for any fill sequence', () => {
    fc.assert(
      fc.property(fillsArb, (fills) => {
        const { lots, unmatchedExits } = pairFifo(fills);
        const sum = (xs: string[]) => xs.reduce((a, x) => a.plus(x), new Decimal(0));
        for (const f of fills) {
          const asEntry = lots.filter((l) => l.entryTradeId === f.id);
          const asExit = lots.filter((l) => l.exitTradeId === f.id);
          const unmatched = unmatchedExits.filter((u) => u.tradeId === f.id);
          if (f.side === 'BUY') {
            expect(sum(asEntry.map((l) => l.qty)).eq(f.qty)).toBe(true);
            expect(sum(asEntry.map((l) => l.entryFee)).eq(f.feeQuote)).toBe(true);
          } else {
            expect(sum([...asExit.map((l) => l.qty), ...unmatched.map((u) => u.qty)]).eq(f.qty)).toBe(true);
            expect(
              sum([...asExit.map((l) => l.exitFee!), ...unmatched.map((u) => u.fee)]).eq(f.feeQuote),
            ).toBe(true);
          }
        }
      }),
    );
  });

  it('computes P&L exactly: proceeds minus cost, fees included', () => {
    fc.assert(
      fc.property(fillsArb, (fills) => {
        for (const lot of pairFifo(fills).lots.filter((l) => l.exitTradeId)) {
          const expected = new Decimal(lot.qty)
            .mul(lot.exitPrice!)
            .minus(lot.exitFee!)
            .minus(new Decimal(lot.qty).mul(lot.entryPrice).plus(lot.entryFee));
          expect(new Decimal(lot.pnlQuote!).eq(expected)).toBe(true);
          expect(lot.exitTs!.getTime()).toBeGreaterThanOrEqual(lot.entryTs.getTime());
        }
      }),
    );
  });

  it('stays exact for large amounts (checked with integer arithmetic)', () => {
    const scaled = fc.bigInt({ min: 1n, max: 10n ** 20n });
    const toDecimal = (n: bigint, scale: number) => {
      const digits = n.toString().padStart(scale + 1, '0');
      return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
    };
    fc.assert(
      fc.property(scaled, scaled, scaled, scaled, scaled, (qty, entry, exit, entryFee, exitFee) => {
        const { lots } = pairFifo([
          fill('b', 'BUY', toDecimal(qty, 8), toDecimal(entry, 8), toDecimal(entryFee, 16), 0),
          fill('s', 'SELL', toDecimal(qty, 8), toDecimal(exit, 8), toDecimal(exitFee, 16), 1),
        ]);
        const expected = qty * exit - exitFee - (qty * entry + entryFee);
        const sign = expected < 0n ? '-' : '';
        const abs = expected < 0n ? -expected : expected;
        expect(new Decimal(lots[0]!.pnlQuote!).eq(new Decimal(`${sign}${toDecimal(abs, 16)}`))).toBe(true);
      }),
    );
  });
});
