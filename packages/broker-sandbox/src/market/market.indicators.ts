/**
 * The indicators the product tags biases with (DESIGN §6), computed over a whole hourly series.
 * The sandbox uses them only to decide where its demo traders chase spikes or sell into dips;
 * a value is NaN where there is too little history.
 */

/** Wilder's RSI, TA-Lib convention: the first averages are simple means of the first `period` changes. */
export function wilderRsi(closes: ArrayLike<number>, period = 14): Float64Array {
  const out = new Float64Array(closes.length).fill(Number.NaN);
  if (closes.length <= period) return out;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const change = closes[i]! - closes[i - 1]!;
    if (change > 0) gain += change;
    else loss -= change;
  }
  gain /= period;
  loss /= period;
  out[period] = rsiOf(gain, loss);
  for (let i = period + 1; i < closes.length; i++) {
    const change = closes[i]! - closes[i - 1]!;
    gain = (gain * (period - 1) + Math.max(change, 0)) / period;
    loss = (loss * (period - 1) + Math.max(-change, 0)) / period;
    out[i] = rsiOf(gain, loss);
  }
  return out;
}

function rsiOf(gain: number, loss: number): number {
  if (loss === 0) return gain === 0 ? 50 : 100;
  return 100 - 100 / (1 + gain / loss);
}

/** Position of the close within SMA(period) ± 2σ (population σ); 0.5 for a band of zero width. */
export function bollingerPosition(closes: ArrayLike<number>, period = 20): Float64Array {
  const out = new Float64Array(closes.length).fill(Number.NaN);
  for (let i = period - 1; i < closes.length; i++) {
    let sum = 0;
    for (let j = i - period + 1; j <= i; j++) sum += closes[j]!;
    const mean = sum / period;
    let squares = 0;
    for (let j = i - period + 1; j <= i; j++) squares += (closes[j]! - mean) ** 2;
    const sigma = Math.sqrt(squares / period);
    out[i] = sigma === 0 ? 0.5 : (closes[i]! - (mean - 2 * sigma)) / (4 * sigma);
  }
  return out;
}

/** close / close `lag` candles earlier − 1. */
export function pctChange(closes: ArrayLike<number>, lag: number): Float64Array {
  const out = new Float64Array(closes.length).fill(Number.NaN);
  for (let i = lag; i < closes.length; i++) out[i] = closes[i]! / closes[i - lag]! - 1;
  return out;
}

/** 1 − close / the highest high of the last `window` candles (the current one included). */
export function drawdown(highs: ArrayLike<number>, closes: ArrayLike<number>, window = 72): Float64Array {
  const out = new Float64Array(closes.length).fill(Number.NaN);
  // Indices of candidate maxima, highs decreasing from front to back: a sliding-window maximum in O(n).
  const candidates: number[] = [];
  let head = 0;
  for (let i = 0; i < closes.length; i++) {
    while (candidates.length > head && highs[candidates[candidates.length - 1]!]! <= highs[i]!)
      candidates.pop();
    candidates.push(i);
    if (candidates[head]! <= i - window) head++;
    if (i >= window - 1) out[i] = 1 - closes[i]! / highs[candidates[head]!]!;
  }
  return out;
}
