import type { BiasFeatures } from '@tt/shared';
import { formatHours, formatPercent } from './format';

export interface FeatureExplanation {
  key: keyof BiasFeatures;
  /** The measurement with its number: "RSI 78". */
  measure: string;
  /** What it meant for this trade, in plain words: "the price had risen fast". */
  meaning: string;
}

type Explain = (value: number, features: BiasFeatures) => { measure: string; meaning: string };

const pct = (x: number) => formatPercent(x, 1, true);

const EXPLAIN: Partial<Record<keyof BiasFeatures, Explain>> = {
  RSI_14: (v) => ({
    measure: `RSI ${Math.round(v)}`,
    meaning:
      v >= 70
        ? 'the price had risen fast and looked stretched'
        : v <= 30
          ? 'the price had fallen fast and looked oversold'
          : 'momentum was balanced, neither stretched up nor down',
  }),
  pct_change_24h_before: (v) => ({
    measure: `${pct(v)} in 24 h`,
    meaning:
      v >= 0.05
        ? 'a strong run-up in the day before'
        : v <= -0.05
          ? 'a sharp fall in the day before'
          : 'a fairly quiet day before',
  }),
  pct_change_1h_before: (v) => ({
    measure: `${pct(v)} in 1 h`,
    meaning:
      v >= 0.02
        ? 'a spike in the last hour'
        : v <= -0.02
          ? 'a sudden drop in the last hour'
          : 'little movement in the last hour',
  }),
  BB_pos: (v) => ({
    measure: `Band position ${v.toFixed(2)}`,
    meaning:
      v > 1
        ? 'the price was above its usual range'
        : v >= 0.8
          ? 'the price was near the top of its usual range'
          : v < 0
            ? 'the price was below its usual range'
            : v <= 0.2
              ? 'the price was near the bottom of its usual range'
              : 'the price was inside its usual range',
  }),
  ATR_rel: (v) => ({
    measure: `Hourly range ${formatPercent(v, 1)}`,
    meaning: v >= 0.02 ? 'the market was swinging hard' : 'the market was moving calmly',
  }),
  gap_from_MA: (v) => ({
    measure: `${pct(v)} vs 50-hour average`,
    meaning:
      v >= 0.05
        ? 'well above its recent average'
        : v <= -0.05
          ? 'well below its recent average'
          : 'close to its recent average',
  }),
  drawdown_recent: (v) => ({
    measure: `${formatPercent(v, 1)} below 3-day high`,
    meaning:
      v >= 0.06 ? 'the price had dropped a lot from its recent high' : 'the price was near its recent high',
  }),
  pct_above_support: (v) => ({
    measure: `${formatPercent(v, 1)} above 3-day low`,
    meaning: v <= 0.01 ? 'bought right at the recent low' : 'bought above the recent low',
  }),
  held_hours: (v, f) => ({
    measure: `Held ${formatHours(v)}`,
    meaning:
      f.planned_hold_hours != null
        ? v < f.planned_hold_hours
          ? `shorter than your planned ${formatHours(f.planned_hold_hours)}`
          : `at least your planned ${formatHours(f.planned_hold_hours)}`
        : 'how long the closed lots were open',
  }),
  pnl_exit: (v) => ({
    measure: `${pct(v)} after fees`,
    meaning:
      v < 0 ? 'this exit closed at a loss' : v > 0 ? 'this exit closed at a gain' : 'this exit broke even',
  }),
  minutes_since_last_losing_exit: (v) => ({
    measure: `${formatHours(v / 60)} after a loss`,
    meaning: v <= 60 ? 'entered soon after a losing exit' : 'some time had passed since the last loss',
  }),
  last_losing_exit_pnl: (v) => ({
    measure: `Last loss ${pct(v)}`,
    meaning: 'the result of that losing exit',
  }),
  size_vs_prev_entry: (v) => ({
    measure: `${Number(v.toFixed(2))}× previous size`,
    meaning:
      v >= 1.5
        ? 'a much bigger position than the one before'
        : v <= 0.67
          ? 'a smaller position than the one before'
          : 'about the same size as the one before',
  }),
  trades_today: (v, f) => ({
    measure: `${v} trades that day`,
    meaning:
      f.median_trades_per_day != null
        ? v > 2 * f.median_trades_per_day
          ? `far more than your usual ${Number(f.median_trades_per_day.toFixed(1))} a day`
          : `close to your usual ${Number(f.median_trades_per_day.toFixed(1))} a day`
        : 'trades on the same day, this one included',
  }),
};

const ORDER = Object.keys(EXPLAIN) as (keyof BiasFeatures)[];

/** Every known feature that has a value, explained; unknown or empty ones are left out. */
export function explainFeatures(features: BiasFeatures | null | undefined): FeatureExplanation[] {
  if (!features) return [];
  const out: FeatureExplanation[] = [];
  for (const key of ORDER) {
    const value = features[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    out.push({ key, ...EXPLAIN[key]!(value, features) });
  }
  if (features.stop_loss_hit != null) {
    out.push({
      key: 'stop_loss_hit',
      measure: features.stop_loss_hit ? 'Stop level touched' : 'Stop level not touched',
      meaning: features.stop_loss_hit
        ? 'the price reached your stop while the position was open'
        : 'the price stayed above your stop',
    });
  }
  return out;
}
