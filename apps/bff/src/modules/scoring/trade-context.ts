import type { BiasFeatures, MlCandle } from '@tt/shared';
import { firstOpenAtOrAfter, lastClosedIndex } from '../market-data';

export interface ContextTrade {
  id: string;
  symbol: string;
  /** `BUY` or `SELL`. */
  side: string;
  qty: string;
  price: string;
  ts: Date;
}

export interface ExitLots {
  /** Quantity-weighted hours the closed lots were open. */
  heldHours: number;
  pnlQuote: string;
  /** pnl as a fraction of the lots' cost. */
  pnlPct: number;
  /** Earliest entry among the lots and the lowest entry price, for the stop check. */
  firstEntryTs: Date;
  entryPrices: number[];
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** Calendar day of a timestamp in the user's time zone (day boundaries are the trader's, not UTC's). */
export function localDay(ts: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(timeZone, format);
  }
  return format.format(ts);
}

function pctAboveSupport(candles: readonly MlCandle[], ts: number): number | null {
  const last = lastClosedIndex(candles, ts);
  if (last < 72) return null;
  let low = Infinity;
  for (let i = last - 72; i < last; i++) low = Math.min(low, candles[i]!.low);
  return candles[last]!.close / low - 1;
}

function stopLossHit(
  candles: readonly MlCandle[],
  lots: ExitLots,
  exitTs: number,
  stopPct: number,
): boolean | null {
  if (candles.length === 0 || lots.entryPrices.length === 0) return null;
  const stop = Math.max(...lots.entryPrices) * (1 - stopPct);
  for (let i = firstOpenAtOrAfter(candles, lots.firstEntryTs.getTime()); i < candles.length; i++) {
    const c = candles[i]!;
    if (Date.parse(c.ts) + HOUR > exitTs) break;
    if (c.low <= stop) return true;
  }
  return false;
}

/** Every UTC offset is a whole number of quarter hours, so a quarter hour never spans two local days. */
const QUARTER_HOUR = 15 * MINUTE;

/** `localDay` for timestamps in time order, formatting once per quarter hour rather than per trade. */
function dayCounter(timeZone: string): (ts: Date) => string {
  let bucket = NaN;
  let day = '';
  return (ts) => {
    const at = Math.floor(ts.getTime() / QUARTER_HOUR);
    if (at !== bucket) {
      bucket = at;
      day = localDay(ts, timeZone);
    }
    return day;
  };
}

/**
 * The trade-history part of each trade's features (the ML contract's context fields), from the
 * user's whole history in time order: what came before a trade, never what came after. Yielded
 * trade by trade, so that a caller scoring in chunks holds one chunk's features, not a history's.
 */
export function* tradeContexts<T extends ContextTrade>(input: {
  /** In time order. */
  trades: readonly T[];
  exits: ReadonlyMap<string, ExitLots>;
  /** The hourly candles of the trade's series. */
  candlesOf: (trade: T) => readonly MlCandle[];
  timeZone: string;
  stopLossPct: number;
}): Generator<[T, BiasFeatures]> {
  const perDay = new Map<string, number>();
  const countDay = dayCounter(input.timeZone);
  for (const t of input.trades) {
    const day = countDay(t.ts);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const medianPerDay = median([...perDay.values()]);

  const dayOf = dayCounter(input.timeZone);
  let lastLosingExit: { ts: number; pnl: number } | null = null;
  let prevEntryCost: number | null = null;
  for (const t of input.trades) {
    const ts = t.ts.getTime();
    const candles = input.candlesOf(t);
    const features: BiasFeatures = {
      side: t.side === 'BUY' ? 'BUY' : 'SELL',
      symbol: t.symbol,
      trades_today: perDay.get(dayOf(t.ts)) ?? null,
      median_trades_per_day: medianPerDay,
    };
    if (t.side === 'BUY') {
      const cost = Number(t.qty) * Number(t.price);
      features.minutes_since_last_losing_exit = lastLosingExit ? (ts - lastLosingExit.ts) / MINUTE : null;
      features.last_losing_exit_pnl = lastLosingExit?.pnl ?? null;
      features.size_vs_prev_entry = prevEntryCost ? cost / prevEntryCost : null;
      features.pct_above_support = pctAboveSupport(candles, ts);
      prevEntryCost = cost;
    } else {
      const lots = input.exits.get(t.id);
      if (lots) {
        features.held_hours = lots.heldHours;
        features.pnl_exit = lots.pnlPct;
        features.pnl_exit_quote = lots.pnlQuote;
        features.stop_loss_hit = stopLossHit(candles, lots, ts, input.stopLossPct);
        if (lots.pnlPct < 0) lastLosingExit = { ts, pnl: lots.pnlPct };
      }
    }
    yield [t, features];
  }
}
