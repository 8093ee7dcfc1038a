import { describe, expect, it } from 'vitest';
import type { MlCandle } from '@tt/shared';
import { localDay, tradeContexts, type ContextTrade, type ExitLots } from './trade-context';

/** Every trade's context by id, with candles by symbol. */
const buildTradeContext = ({
  candlesBySymbol,
  ...input
}: Omit<Parameters<typeof tradeContexts>[0], 'candlesOf'> & {
  candlesBySymbol: ReadonlyMap<string, MlCandle[]>;
}) =>
  new Map(
    [...tradeContexts({ ...input, candlesOf: (t) => candlesBySymbol.get(t.symbol) ?? [] })].map(
      ([t, features]) => [t.id, features],
    ),
  );

const HOUR = 3_600_000;
const t0 = Date.parse('2026-11-02T00:00:00Z');
const at = (h: number) => new Date(t0 + h * HOUR);
const trade = (
  id: string,
  side: 'BUY' | 'SELL',
  h: number,
  qty = '1',
  price = '100',
  symbol = 'BTC-USD',
): ContextTrade => ({
  id,
  symbol,
  side,
  qty,
  price,
  ts: at(h),
});
const flatCandles = (hours: number, price: number, lowAt?: { hour: number; low: number }): MlCandle[] =>
  Array.from({ length: hours }, (_, i) => ({
    ts: at(i - hours + 200).toISOString(),
    open: price,
    high: price * 1.01,
    low: lowAt && i - hours + 200 === lowAt.hour ? lowAt.low : price * 0.99,
    close: price,
    volume: 1,
  }));

const lots = (over: Partial<ExitLots> = {}): ExitLots => ({
  heldHours: 5,
  pnlQuote: '-4',
  pnlPct: -0.04,
  firstEntryTs: at(10),
  entryPrices: [100],
  ...over,
});

describe('tradeContexts', () => {
  it('describes exits from their lots and entries from what came before them', () => {
    const trades = [
      trade('b1', 'BUY', 10, '1', '100'),
      trade('s1', 'SELL', 15),
      trade('b2', 'BUY', 16, '3', '100'),
    ];
    const ctx = buildTradeContext({
      trades,
      exits: new Map([['s1', lots()]]),
      candlesBySymbol: new Map(),
      timeZone: 'UTC',
      stopLossPct: 0.05,
    });
    expect(ctx.get('s1')).toMatchObject({ held_hours: 5, pnl_exit: -0.04, pnl_exit_quote: '-4' });
    expect(ctx.get('b1')).toMatchObject({ minutes_since_last_losing_exit: null, size_vs_prev_entry: null });
    expect(ctx.get('b2')).toMatchObject({
      minutes_since_last_losing_exit: 60,
      last_losing_exit_pnl: -0.04,
      size_vs_prev_entry: 3,
    });
  });

  it('never lets a later trade change an earlier trade’s features', () => {
    const base = [trade('b1', 'BUY', 10), trade('s1', 'SELL', 15)];
    const input = {
      exits: new Map([['s1', lots()]]),
      candlesBySymbol: new Map(),
      timeZone: 'UTC',
      stopLossPct: 0.05,
    };
    const before = buildTradeContext({ ...input, trades: base });
    const after = buildTradeContext({ ...input, trades: [...base, trade('b2', 'BUY', 40)] });
    expect(after.get('b1')!.minutes_since_last_losing_exit).toBe(
      before.get('b1')!.minutes_since_last_losing_exit,
    );
    expect(after.get('s1')!.pnl_exit).toBe(before.get('s1')!.pnl_exit);
  });

  it('counts trades per day in the trader’s own time zone', () => {
    // 23:30 and 00:30 UTC are one day in New York (18:30 and 19:30) but two in UTC.
    const trades = [trade('a', 'BUY', 23.5), trade('b', 'BUY', 24.5)];
    const input = { trades, exits: new Map(), candlesBySymbol: new Map(), stopLossPct: 0.05 };
    expect(buildTradeContext({ ...input, timeZone: 'UTC' }).get('a')!.trades_today).toBe(1);
    expect(buildTradeContext({ ...input, timeZone: 'America/New_York' }).get('a')!.trades_today).toBe(2);
    // Kathmandu is UTC+05:45: 18:14 and 18:16 UTC fall on two local days, within one UTC hour.
    const kathmandu = [
      { ...trade('k1', 'BUY', 0), ts: new Date('2026-11-02T18:14:00Z') },
      { ...trade('k2', 'BUY', 0), ts: new Date('2026-11-02T18:16:00Z') },
    ];
    const nepal = buildTradeContext({ ...input, trades: kathmandu, timeZone: 'Asia/Kathmandu' });
    expect([nepal.get('k1')!.trades_today, nepal.get('k2')!.trades_today]).toEqual([1, 1]);
    expect(localDay(at(23.5), 'America/New_York')).toBe('2026-11-02');
  });

  it('marks a stop as hit when a closed candle inside the holding period fell through it', () => {
    const trades = [trade('b1', 'BUY', 10), trade('s1', 'SELL', 15)];
    const hit = buildTradeContext({
      trades,
      exits: new Map([['s1', lots()]]),
      candlesBySymbol: new Map([['BTC-USD', flatCandles(300, 100, { hour: 12, low: 94 })]]),
      timeZone: 'UTC',
      stopLossPct: 0.05,
    });
    expect(hit.get('s1')!.stop_loss_hit).toBe(true);
    const held = buildTradeContext({
      trades,
      exits: new Map([['s1', lots()]]),
      candlesBySymbol: new Map([['BTC-USD', flatCandles(300, 100)]]),
      timeZone: 'UTC',
      stopLossPct: 0.05,
    });
    expect(held.get('s1')!.stop_loss_hit).toBe(false);
    expect(held.get('b1')!.pct_above_support).toBeCloseTo(100 / 99 - 1, 12);
  });
});
