import type { MlCandle, PositionDto, TradeDetailDto } from '@tt/shared';

/** One fill to mark on the chart: a (partial) entry or exit of the positions this trade belongs to. */
export interface FillMark {
  tradeId: string;
  kind: 'entry' | 'exit';
  /** Unix seconds. */
  time: number;
  price: number;
  /** Quantity of this fill that belongs to the shown positions (decimal string sum kept as text). */
  qty: string;
  isThisTrade: boolean;
}

export interface ChartCandle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

const HOUR_S = 3600;
const toSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function addDecimalText(a: string, b: string): string {
  // Quantities are only labels here; exact addition keeps "0.1 + 0.2" from showing 0.30000000000000004.
  const scale = Math.max(a.split('.')[1]?.length ?? 0, b.split('.')[1]?.length ?? 0);
  const toInt = (s: string) =>
    BigInt(s.replace('.', '') + '0'.repeat(scale - (s.split('.')[1]?.length ?? 0)));
  const sum = (toInt(a) + toInt(b)).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${sum.slice(0, -scale)}.${sum.slice(-scale)}` : sum;
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/**
 * Every entry and exit fill of the trade's FIFO lots, one mark per fill (partial fills of one
 * order are separate fills, each marked). A trade with no lots yet is marked alone.
 */
export function fillMarks(
  trade: Pick<TradeDetailDto, 'id' | 'side' | 'ts' | 'price' | 'qty'>,
  positions: PositionDto[],
): FillMark[] {
  const marks = new Map<string, FillMark>();
  const add = (mark: FillMark) => {
    const key = `${mark.kind}:${mark.tradeId}`;
    const existing = marks.get(key);
    marks.set(key, existing ? { ...existing, qty: addDecimalText(existing.qty, mark.qty) } : mark);
  };
  for (const lot of positions) {
    add({
      tradeId: lot.entryTradeId,
      kind: 'entry',
      time: toSeconds(lot.entryTs),
      price: Number(lot.entryPrice),
      qty: lot.qty,
      isThisTrade: lot.entryTradeId === trade.id,
    });
    if (lot.exitTradeId && lot.exitTs && lot.exitPrice) {
      add({
        tradeId: lot.exitTradeId,
        kind: 'exit',
        time: toSeconds(lot.exitTs),
        price: Number(lot.exitPrice),
        qty: lot.qty,
        isThisTrade: lot.exitTradeId === trade.id,
      });
    }
  }
  if (marks.size === 0) {
    add({
      tradeId: trade.id,
      kind: trade.side === 'BUY' ? 'entry' : 'exit',
      time: toSeconds(trade.ts),
      price: Number(trade.price),
      qty: trade.qty,
      isThisTrade: true,
    });
  }
  return [...marks.values()].sort((a, b) => a.time - b.time || (a.kind === 'entry' ? -1 : 1));
}

/** The window of candles to ask for: two days either side of the marks, hour-aligned. */
export function candleWindow(marks: FillMark[], paddingHours = 48): { from: string; to: string } {
  const times = marks.map((m) => m.time);
  const first = Math.floor(Math.min(...times) / HOUR_S) * HOUR_S - paddingHours * HOUR_S;
  const last = Math.ceil(Math.max(...times) / HOUR_S) * HOUR_S + paddingHours * HOUR_S;
  return { from: new Date(first * 1000).toISOString(), to: new Date(last * 1000).toISOString() };
}

export function toChartCandles(candles: MlCandle[]): ChartCandle[] {
  return candles
    .map((c) => ({ time: toSeconds(c.ts), open: c.open, high: c.high, low: c.low, close: c.close }))
    .sort((a, b) => a.time - b.time)
    .filter((c, i, all) => i === 0 || c.time !== all[i - 1]!.time);
}

/**
 * The bar a fill belongs to: the candle that was open at that moment (its open time is the last
 * one at or before the fill), or the nearest one when that hour had no trades and no candle.
 */
export function snapToBar(barTimes: number[], time: number): number {
  if (barTimes.length === 0) return time;
  let lo = 0;
  let hi = barTimes.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (barTimes[mid]! <= time) lo = mid;
    else hi = mid - 1;
  }
  const before = barTimes[lo]!;
  if (before <= time && time - before < HOUR_S) return before;
  const after = barTimes[Math.min(lo + 1, barTimes.length - 1)]!;
  return Math.abs(after - time) < Math.abs(time - before) ? after : before;
}
