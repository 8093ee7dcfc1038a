import type { IndicatorFeatures, MlCandle } from '@tt/shared';

/*
 * Test oracle: a deliberately plain, independent implementation of DESIGN.md §6 following
 * TA-Lib's documented algorithms (TA_RSI, TA_ATR, TA_BBANDS with population deviation, TA_SMA).
 * Arrays of objects, one entry at a time, no precomputation; slow on purpose and easy to audit.
 */

const HOUR = 60 * 60 * 1000;

type Bar = { time: number; candle: MlCandle };

function isBetter(candidate: MlCandle, current: MlCandle): boolean {
  const a = [candidate.volume, candidate.close, candidate.high, candidate.low, candidate.open];
  const b = [current.volume, current.close, current.high, current.low, current.open];
  for (let k = 0; k < a.length; k++) {
    if (a[k]! !== b[k]!) return a[k]! > b[k]!;
  }
  return false;
}

function closedBars(candles: MlCandle[], entryTs: string): Bar[] {
  const entry = new Date(entryTs).getTime();
  const byTime = new Map<number, MlCandle>();
  for (const candle of candles) {
    const time = new Date(candle.ts).getTime();
    if (time + HOUR > entry) continue;
    const current = byTime.get(time);
    if (current === undefined || isBetter(candle, current)) byTime.set(time, candle);
  }
  return [...byTime.entries()].map(([time, candle]) => ({ time, candle })).sort((x, y) => x.time - y.time);
}

function referenceRsi(closes: number[]): number | null {
  const period = 14;
  if (closes.length < period + 1) return null;
  const changes: number[] = [];
  for (let i = 1; i < closes.length; i++) changes.push(closes[i]! - closes[i - 1]!);
  let avgGain = 0;
  let avgLoss = 0;
  for (let i = 0; i < period; i++) {
    avgGain += Math.max(changes[i]!, 0);
    avgLoss += Math.max(-changes[i]!, 0);
  }
  avgGain = avgGain / period;
  avgLoss = avgLoss / period;
  for (let i = period; i < changes.length; i++) {
    avgGain = (avgGain * (period - 1) + Math.max(changes[i]!, 0)) / period;
    avgLoss = (avgLoss * (period - 1) + Math.max(-changes[i]!, 0)) / period;
  }
  if (avgGain === 0 && avgLoss === 0) return 50;
  if (avgLoss === 0) return 100;
  return 100 - 100 / (1 + avgGain / avgLoss);
}

function referenceAtr(bars: Bar[]): number | null {
  const period = 14;
  if (bars.length < period + 1) return null;
  const ranges: number[] = [];
  for (let i = 1; i < bars.length; i++) {
    const { high, low } = bars[i]!.candle;
    const previousClose = bars[i - 1]!.candle.close;
    ranges.push(Math.max(high - low, Math.abs(high - previousClose), Math.abs(low - previousClose)));
  }
  let atr = ranges.slice(0, period).reduce((sum, r) => sum + r, 0) / period;
  for (let i = period; i < ranges.length; i++) atr = (atr * (period - 1) + ranges[i]!) / period;
  return atr;
}

function lastN(values: number[], count: number): number[] | null {
  return values.length < count ? null : values.slice(values.length - count);
}

function referenceBollingerPosition(closes: number[]): number | null {
  const window = lastN(closes, 20);
  if (window === null) return null;
  const price = window[window.length - 1]!;
  if (window.every((value) => value === window[0])) return 0.5;
  const mean = window.reduce((sum, value) => sum + value, 0) / window.length;
  const variance = window.reduce((sum, value) => sum + (value - mean) ** 2, 0) / window.length;
  const lower = mean - 2 * Math.sqrt(variance);
  const upper = mean + 2 * Math.sqrt(variance);
  return (price - lower) / (upper - lower);
}

function closeAsOf(bars: Bar[], time: number): number | null {
  for (let i = bars.length - 1; i >= 0; i--) {
    if (bars[i]!.time <= time) return bars[i]!.candle.close;
  }
  return null;
}

export function referenceIndicators(candles: MlCandle[], entryTs: string): IndicatorFeatures {
  const bars = closedBars(candles, entryTs);
  if (bars.length === 0) {
    return {
      RSI_14: null,
      ATR_rel: null,
      BB_pos: null,
      gap_from_MA: null,
      pct_change_1h_before: null,
      pct_change_24h_before: null,
      drawdown_recent: null,
    };
  }
  const closes = bars.map((bar) => bar.candle.close);
  const last = bars[bars.length - 1]!;
  const p0 = last.candle.close;
  const atr = referenceAtr(bars);
  const sma50 = lastN(closes, 50);
  const highs72 = lastN(
    bars.map((bar) => bar.candle.high),
    72,
  );
  const hourAgo = closeAsOf(bars, last.time - HOUR);
  const dayAgo = closeAsOf(bars, last.time - 24 * HOUR);
  return {
    RSI_14: referenceRsi(closes),
    ATR_rel: atr === null ? null : atr / p0,
    BB_pos: referenceBollingerPosition(closes),
    gap_from_MA: sma50 === null ? null : p0 / (sma50.reduce((sum, value) => sum + value, 0) / 50) - 1,
    pct_change_1h_before: hourAgo === null ? null : p0 / hourAgo - 1,
    pct_change_24h_before: dayAgo === null ? null : p0 / dayAgo - 1,
    drawdown_recent: highs72 === null ? null : 1 - p0 / Math.max(...highs72),
  };
}
