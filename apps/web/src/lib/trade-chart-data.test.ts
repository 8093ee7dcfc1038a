import type { PositionDto } from '@tt/shared';
import { describe, expect, it } from 'vitest';
import { candleWindow, fillMarks, snapToBar, toChartCandles } from './trade-chart-data';

const lot = (over: Partial<PositionDto>): PositionDto => ({
  id: 'l',
  broker: 'coinbase',
  symbol: 'BTC-USD',
  entryTradeId: 'buy-1',
  exitTradeId: null,
  qty: '0.1',
  entryPrice: '100',
  exitPrice: null,
  entryFee: '0',
  exitFee: null,
  entryTs: '2026-03-01T10:00:00.000Z',
  exitTs: null,
  heldHours: null,
  pnlQuote: null,
  pnlPct: null,
  mae: null,
  mfe: null,
  ...over,
});

const sell = {
  id: 'sell-1',
  side: 'SELL' as const,
  ts: '2026-03-02T10:00:00.000Z',
  price: '120',
  qty: '0.3',
};

describe('fillMarks', () => {
  it('marks every partial entry and exit once, summing a fill split across lots', () => {
    const marks = fillMarks(sell, [
      lot({
        id: 'a',
        entryTradeId: 'buy-1',
        qty: '0.1',
        exitTradeId: 'sell-1',
        exitTs: sell.ts,
        exitPrice: '120',
      }),
      lot({
        id: 'b',
        entryTradeId: 'buy-2',
        entryTs: '2026-03-01T12:00:00.000Z',
        entryPrice: '105',
        qty: '0.2',
        exitTradeId: 'sell-1',
        exitTs: sell.ts,
        exitPrice: '120',
      }),
    ]);
    expect(marks.map((m) => [m.kind, m.tradeId, m.qty, m.price, m.isThisTrade])).toEqual([
      ['entry', 'buy-1', '0.1', 100, false],
      ['entry', 'buy-2', '0.2', 105, false],
      ['exit', 'sell-1', '0.3', 120, true],
    ]);
  });

  it('adds quantities exactly', () => {
    const marks = fillMarks({ ...sell, id: 'buy-1', side: 'BUY' }, [
      lot({ qty: '0.1', exitTradeId: 's1', exitTs: '2026-03-01T11:00:00.000Z', exitPrice: '101' }),
      lot({ qty: '0.2', exitTradeId: 's2', exitTs: '2026-03-01T12:00:00.000Z', exitPrice: '102' }),
    ]);
    expect(marks.find((m) => m.kind === 'entry')?.qty).toBe('0.3');
    expect(marks.filter((m) => m.kind === 'exit')).toHaveLength(2);
  });

  it('marks a trade without positions by itself', () => {
    expect(fillMarks(sell, [])).toEqual([
      {
        tradeId: 'sell-1',
        kind: 'exit',
        time: Date.parse(sell.ts) / 1000,
        price: 120,
        qty: '0.3',
        isThisTrade: true,
      },
    ]);
  });
});

describe('candles', () => {
  it('asks for two days either side, hour-aligned', () => {
    const marks = fillMarks(sell, []);
    expect(candleWindow(marks)).toEqual({ from: '2026-02-28T10:00:00.000Z', to: '2026-03-04T10:00:00.000Z' });
  });

  it('sorts candles and drops duplicate hours', () => {
    const c = (ts: string) => ({ ts, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 });
    expect(
      toChartCandles([c('2026-03-01T11:00:00Z'), c('2026-03-01T10:00:00Z'), c('2026-03-01T10:00:00Z')]).map(
        (x) => x.time,
      ),
    ).toEqual([Date.parse('2026-03-01T10:00:00Z') / 1000, Date.parse('2026-03-01T11:00:00Z') / 1000]);
  });

  it('puts a fill on the candle open at that moment, or the nearest one', () => {
    const bars = [0, 3600, 7200, 18000];
    expect(snapToBar(bars, 3700)).toBe(3600);
    expect(snapToBar(bars, 7199)).toBe(3600);
    expect(snapToBar(bars, 17000)).toBe(18000);
    expect(snapToBar(bars, 11000)).toBe(7200);
    expect(snapToBar(bars, -500)).toBe(0);
    expect(snapToBar([], 42)).toBe(42);
  });
});
