import { HOUR_US, hourOfUs, hourStartUs } from '../core/time';
import type { MarketEvent } from '../market/market.events';
import type { AssetSeries } from '../market/market.series';
import type { EpisodeWriter } from './trader.writer';

/**
 * The stories the demo traders act out. Each writes one episode's orders through an
 * `EpisodeWriter`; where a story needs the market to cooperate (a spike to chase, a crash to panic
 * in) it looks ahead in the deterministic market, which is what makes every bias show up.
 */

const MINUTE_US = 60_000_000;

/** The hour in [from, to] (gap hours skipped) with the highest score. */
function bestHour(series: AssetSeries, from: number, to: number, score: (hour: number) => number): number {
  let best = from;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let hour = from; hour <= to; hour++) {
    if (series.isGap(hour)) continue;
    const value = score(hour);
    if (value > bestScore) {
      bestScore = value;
      best = hour;
    }
  }
  return best;
}

/** Sells a position, in two orders (about half each) with probability `splitChance`. */
function exitPosition(
  w: EpisodeWriter,
  symbol: number,
  qtyUnits: number,
  firstUs: number,
  lastUs: number,
  bias: number,
  splitChance = 0.35,
): void {
  const step = w.ctx.symbols[symbol]!.qtyStepUnits;
  const steps = Math.round(qtyUnits / step);
  if (steps >= 2 && w.stratified() < splitChance) {
    const firstSteps = Math.max(1, Math.floor(steps * w.draws.between(0.35, 0.65)));
    const first = w.order(symbol, 'SELL', firstUs, firstSteps * step, bias);
    w.order(symbol, 'SELL', Math.max(lastUs, first.endUs + 5 * MINUTE_US), (steps - firstSteps) * step, bias);
    return;
  }
  w.order(symbol, 'SELL', lastUs, qtyUnits, bias);
}

/** An ordinary swing trade held for a few hours to a day and a half. */
export function plainTrade(w: EpisodeWriter, startUs: number, symbol = w.pickSymbol()): void {
  const entry = w.buy(symbol, startUs, w.notional(), w.draws.between(-0.5, 0.5));
  const holdUs = w.draws.between(3, 36) * HOUR_US;
  exitPosition(
    w,
    symbol,
    entry.qtyUnits,
    entry.endUs + holdUs * 0.6,
    entry.endUs + holdUs,
    w.draws.between(-0.3, 0.3),
  );
}

/**
 * The plan respected: buy a pullback, a 3 % stop and a 4 % target, no profit taken before four
 * hours; the stop is honoured whenever it is hit.
 */
export function disciplinedTrade(w: EpisodeWriter, startUs: number): void {
  const symbol = w.pickSymbol();
  const series = w.series(symbol);
  const first = hourOfUs(startUs);
  let entryHour = first;
  for (let hour = first; hour <= first + 12; hour++) {
    const f = series.features(hour - 1);
    if (!series.isGap(hour) && f.rsi14 >= 30 && f.rsi14 <= 50 && f.bbPosition < 0.45) {
      entryHour = hour;
      break;
    }
  }
  const entry = w.buy(symbol, w.timeInHour(symbol, entryHour), w.notional(), -0.4);
  const stop = entry.avgPriceTicks * 0.97;
  const target = entry.avgPriceTicks * 1.04;
  const filledHour = hourOfUs(entry.endUs);
  for (let hour = filledHour + 1; hour <= filledHour + 72; hour++) {
    const candle = series.candle(hour);
    if (!candle) continue;
    if (candle.low <= stop) {
      w.order(symbol, 'SELL', w.timeInHour(symbol, hour), entry.qtyUnits, 0, 2, Math.max(stop, candle.low));
      return;
    }
    if (candle.high >= target && hour >= filledHour + 4) {
      const step = w.ctx.symbols[symbol]!.qtyStepUnits;
      const steps = Math.round(entry.qtyUnits / step);
      const half = Math.floor(steps / 2);
      if (half === 0) {
        w.order(symbol, 'SELL', w.timeInHour(symbol, hour), entry.qtyUnits, 0, 2, target);
        return;
      }
      const taken = w.order(symbol, 'SELL', w.timeInHour(symbol, hour), half * step, 0, 2, target);
      w.order(symbol, 'SELL', taken.endUs + w.draws.between(6, 24) * HOUR_US, (steps - half) * step, 0.2);
      return;
    }
  }
  w.order(symbol, 'SELL', w.timeInHour(symbol, filledHour + 72), entry.qtyUnits, 0);
}

/** Profit taken within the first hour or so, just before the move the trade was right about. */
export function earlyExitTrade(w: EpisodeWriter, startUs: number): void {
  const symbol = w.pickSymbol();
  const series = w.series(symbol);
  const first = hourOfUs(startUs);
  const entryHour = bestHour(series, first, first + 24, (h) => series.closeAt(h + 24) / series.closeAt(h));
  const entry = w.buy(symbol, w.timeInHour(symbol, entryHour, 0, 20), w.notional(), 0);
  w.order(symbol, 'SELL', entry.endUs + w.draws.between(20, 90) * MINUTE_US, entry.qtyUnits, 0.3, 2);
}

/**
 * A loser held for days, long past any sensible stop, and sold near the bottom: the trader picks
 * the symbol and hour that fell furthest over the next two and a half days.
 */
export function lateExitTrade(w: EpisodeWriter, startUs: number): void {
  const first = hourOfUs(startUs);
  let symbol = 0;
  let entryHour = first;
  let worst = 0;
  w.ctx.venue.symbols.forEach((_, candidate) => {
    const series = w.series(candidate);
    const hour = bestHour(series, first, first + 24, (h) => series.closeAt(h) / series.closeAt(h + 60));
    const fall = series.closeAt(hour) / series.closeAt(hour + 60);
    if (fall > worst) {
      worst = fall;
      symbol = candidate;
      entryHour = hour;
    }
  });
  const series = w.series(symbol);
  const entry = w.buy(symbol, w.timeInHour(symbol, entryHour), w.notional(), 0.2);
  const held = hourOfUs(entry.endUs);
  const exitHour = bestHour(series, held + 40, held + 90, (h) => -series.closeAt(h));
  w.order(symbol, 'SELL', w.timeInHour(symbol, exitHour), entry.qtyUnits, -0.3);
}

/** A losing exit, then minutes later a two to three times larger entry to win it back. */
export function revengeTrade(w: EpisodeWriter, startUs: number): void {
  const symbol = w.pickSymbol();
  const series = w.series(symbol);
  const first = hourOfUs(startUs);
  const entryHour = bestHour(series, first, first + 24, (h) => series.closeAt(h) / series.closeAt(h + 3));
  const size = w.notional();
  w.pattern = 'plain';
  const entry = w.buy(symbol, w.timeInHour(symbol, entryHour, 0, 30), size, 0.2);
  const loss = w.order(
    symbol,
    'SELL',
    entry.endUs + w.draws.between(1.5, 4) * HOUR_US,
    entry.qtyUnits,
    -0.6,
    2,
  );
  w.pattern = 'revenge';
  const again = w.draws.chance(0.7) ? symbol : w.pickSymbol();
  const revenge = w.buy(
    again,
    loss.endUs + w.draws.between(5, 40) * MINUTE_US,
    size * w.draws.between(2, 3.2),
    0.5,
  );
  w.order(again, 'SELL', revenge.endUs + w.draws.between(2, 12) * HOUR_US, revenge.qtyUnits, -0.1);
}

/**
 * The hour whose closed candle shows a spike worth chasing (+9 % in 24 h, RSI ≥ 72, price at the
 * top of its Bollinger band), with no gap hour nearby to blur what an importer computes.
 */
export function findSpikeSignal(series: AssetSeries, from: number, to: number): number | undefined {
  for (let hour = from; hour <= to; hour++) {
    const f = series.features(hour);
    if (f.pct24h >= 0.09 && f.rsi14 >= 72 && f.bbPosition >= 0.85 && !gapNear(series, hour)) return hour;
  }
  return undefined;
}

/** The hour whose closed candle shows a capitulation: 7 % below the 72 h high, RSI ≤ 33. */
function findDipSignal(series: AssetSeries, from: number, to: number): number | undefined {
  for (let hour = from; hour <= to; hour++) {
    const f = series.features(hour);
    if (f.drawdown72 >= 0.07 && f.rsi14 <= 33 && !gapNear(series, hour)) return hour;
  }
  return undefined;
}

function gapNear(series: AssetSeries, hour: number): boolean {
  for (let h = hour - 30; h <= hour + 1; h++) if (series.isGap(h)) return true;
  return false;
}

/** Buys right after a spike's signal candle, near the top, and sells once the excitement fades. */
export function chaseSpike(w: EpisodeWriter, symbol: number, signalHour: number): void {
  w.pattern = 'chase';
  const entry = w.buy(
    symbol,
    w.timeInHour(symbol, signalHour + 1, 1, 40),
    w.notional(w.draws.between(1.3, 2)),
    0.8,
  );
  const holdUs = w.draws.between(4, 30) * HOUR_US;
  exitPosition(w, symbol, entry.qtyUnits, entry.endUs + holdUs * 0.6, entry.endUs + holdUs, -0.2, 0.4);
}

/** Holds a position into a crash and dumps it at the bottom, at a loss. */
export function panicInCrash(w: EpisodeWriter, symbol: number, event: MarketEvent): void {
  w.pattern = 'panic';
  const series = w.series(symbol);
  const entry = w.buy(symbol, w.timeInHour(symbol, event.startHour - w.draws.int(3, 18)), w.notional(), 0.3);
  const last = event.startHour + event.hours + 8;
  const signal = findDipSignal(series, event.startHour + 1, last) ?? last;
  w.order(
    symbol,
    'SELL',
    Math.max(entry.endUs, hourStartUs(signal + 1)) + w.draws.between(1, 45) * MINUTE_US,
    entry.qtyUnits,
    -0.7,
    3,
  );
}

/** A day of nervous scalps: nine or ten quick round trips in a few hours. */
export function overtradeDay(w: EpisodeWriter, dayStartHour: number): void {
  w.pattern = 'overtrade';
  let time = hourStartUs(dayStartHour) + w.draws.between(7, 10) * HOUR_US;
  const trips = 9 + w.stratifiedChoice([1, 1]);
  for (let i = 0; i < trips; i++) {
    const symbol = w.pickSymbol();
    const entry = w.buy(symbol, time, w.notional(w.draws.between(0.3, 0.6)), w.draws.between(-0.3, 0.6), 2);
    const exit = w.order(
      symbol,
      'SELL',
      entry.endUs + w.draws.between(8, 45) * MINUTE_US,
      entry.qtyUnits,
      w.draws.between(-0.5, 0.3),
      2,
    );
    time = exit.endUs + w.draws.between(5, 35) * MINUTE_US;
  }
}
