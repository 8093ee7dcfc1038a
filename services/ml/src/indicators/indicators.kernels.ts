/*
 * Full-series indicator kernels on typed arrays: one pass each, no allocation per element.
 * out[i] is the indicator on values[0..i]; NaN marks an index without enough history.
 * Wilder smoothing follows TA-Lib (first average = simple mean of the first `period` values).
 */

/** RSI = 100 · avgGain / (avgGain + avgLoss): 100 when only gains, 50 when no movement at all. */
function rsiOf(avgGain: number, avgLoss: number): number {
  const total = avgGain + avgLoss;
  return total === 0 ? 50 : (100 * avgGain) / total;
}

/** Wilder RSI over every change from the first close; defined from index `period`. */
export function rsiWilderSeries(close: Float64Array, period = 14): Float64Array {
  const n = close.length;
  const out = new Float64Array(n).fill(NaN);
  if (n <= period) return out;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const change = close[i]! - close[i - 1]!;
    if (change > 0) gain += change;
    else loss -= change;
  }
  gain /= period;
  loss /= period;
  out[period] = rsiOf(gain, loss);
  const keep = period - 1;
  for (let i = period + 1; i < n; i++) {
    const change = close[i]! - close[i - 1]!;
    gain = (gain * keep + (change > 0 ? change : 0)) / period;
    loss = (loss * keep + (change < 0 ? -change : 0)) / period;
    out[i] = rsiOf(gain, loss);
  }
  return out;
}

/**
 * Wilder ATR; the true range of candle i needs the close of candle i − 1, so the first ATR is the
 * mean of the true ranges of candles 1..period and is defined from index `period`.
 */
export function atrWilderSeries(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 14,
): Float64Array {
  const n = close.length;
  const out = new Float64Array(n).fill(NaN);
  if (n <= period) return out;
  let atr = 0;
  for (let i = 1; i <= period; i++) atr += trueRange(high[i]!, low[i]!, close[i - 1]!);
  atr /= period;
  out[period] = atr;
  const keep = period - 1;
  for (let i = period + 1; i < n; i++) {
    atr = (atr * keep + trueRange(high[i]!, low[i]!, close[i - 1]!)) / period;
    out[i] = atr;
  }
  return out;
}

function trueRange(high: number, low: number, previousClose: number): number {
  const range = high - low;
  const up = Math.abs(high - previousClose);
  const down = Math.abs(low - previousClose);
  return range >= up ? (range >= down ? range : down) : up >= down ? up : down;
}

/** Simple moving average by a running sum; defined from index `period − 1`. */
export function smaSeries(values: Float64Array, period: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += values[i]!;
    if (i >= period) sum -= values[i - period]!;
    if (i >= period - 1) out[i] = sum / period;
  }
  return out;
}

/**
 * Position of the close inside Bollinger Bands SMA(period) ± width·σ (population σ):
 * 0 on the lower band, 1 on the upper band, 0.5 when the band has zero width.
 * Each window is summed afresh (two-pass variance) so a flat window is detected exactly
 * rather than through the rounding noise of running sums of squares.
 */
export function bollingerPositionSeries(close: Float64Array, period = 20, width = 2): Float64Array {
  const n = close.length;
  const out = new Float64Array(n).fill(NaN);
  for (let i = period - 1; i < n; i++) {
    const start = i - period + 1;
    const first = close[start]!;
    let sum = 0;
    let flat = true;
    for (let j = start; j <= i; j++) {
      const value = close[j]!;
      sum += value;
      if (value !== first) flat = false;
    }
    if (flat) {
      out[i] = 0.5;
      continue;
    }
    const mean = sum / period;
    let squares = 0;
    for (let j = start; j <= i; j++) {
      const deviation = close[j]! - mean;
      squares += deviation * deviation;
    }
    const band = width * Math.sqrt(squares / period);
    out[i] = band === 0 ? 0.5 : (close[i]! - (mean - band)) / (2 * band);
  }
  return out;
}

/** Maximum of the last `window` values (the current one included), by a monotonic deque. */
export function rollingMaxSeries(values: Float64Array, window: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    const value = values[i]!;
    while (tail > head && values[deque[tail - 1]!]! <= value) tail--;
    deque[tail++] = i;
    if (deque[head]! <= i - window) head++;
    if (i >= window - 1) out[i] = values[deque[head]!]!;
  }
  return out;
}

/**
 * For ascending times `ts`, the index of the last element at or before `ts[i] − lag`
 * (−1 when there is none): an as-of lookup, so a missing candle falls back to the one before it.
 */
export function asOfIndexSeries(ts: Float64Array, lag: number): Int32Array {
  const n = ts.length;
  const out = new Int32Array(n);
  let j = -1;
  for (let i = 0; i < n; i++) {
    const target = ts[i]! - lag;
    while (j + 1 < n && ts[j + 1]! <= target) j++;
    out[i] = j;
  }
  return out;
}
