import type { BiasFeatures, MlTradeSide } from '@tt/shared';
import { exceeds, gate, graded, reaches, type Check, type Condition } from './bias.conditions';
import { decimal2, hours, minutes, percent, ratio, score, whose } from './bias.format';
import type { Thresholds } from './bias.thresholds';

/*
 * The checks behind every label (blueprint §6, DESIGN §6), as AND-lists of conditions. Where a
 * condition is graded, `full` is where it counts as fully cleared (see `graded`):
 *
 * FOMO         BUY · 24 h change ≥ pct24h (full 2×) · RSI ≥ rsiMin (full halfway to 100) · BB_pos ≥ bbPosMin (full +0.4);
 *              or, when the user has an avoidSpikeOverPct rule, BUY · 24 h change ≥ pct (full 2×).
 * PANIC        SELL · not a stop exit · loss · drawdown ≥ drawdownMin (full 2×) · RSI ≤ rsiMax (full half).
 * REVENGE      BUY · minutes since a losing exit ≤ cooldown (full 0) · size vs previous entry > 1 (full 2×).
 * OVERTRADING  trades today > maxTradesPerDay (full 2×); or ≥ max(2 × own median, median + 3) (full 2×).
 * EARLY_EXIT   SELL · held < plan (planned_hold_hours, else minHoldHours; full 0) · not a stop exit · not past the stop.
 * LATE_EXIT    SELL · loss > stopLossPct (full 2×).
 * DISCIPLINE   SELL · held ≥ plan (full 2×) · not past the stop; or SELL · loss within the stop, taken as a stop
 *              (stop_loss_hit, or loss ≥ 80 % of the stop; full at the stop); or BUY · ≤ 2 % above the 72 h low (full 0).
 *              Reported only when no other label fired: a disciplined detail does not outweigh a bias.
 */

/** An exit losing at least this share of the stop distance counts as taking the stop. */
export const STOP_ZONE = 0.8;
/** An entry at most this far above the 72-hour low counts as buying near support. */
export const SUPPORT_BAND = 0.02;
/** "Far above the user's own norm": at least this multiple of the median trades per day … */
export const OVERTRADING_NORM_MULTIPLE = 2;
/** … and at least this many trades above it, so that quiet traders are not flagged for a busy day of three. */
export const OVERTRADING_NORM_EXTRA = 3;

export interface TradeChecks {
  readonly biases: Check[];
  readonly discipline: Check[];
}

export function buildChecks(f: BiasFeatures, side: MlTradeSide, t: Thresholds): TradeChecks {
  const biases: Check[] = [];
  const discipline: Check[] = [];
  const trades = f.trades_today;

  if (t.maxTradesPerDay) {
    const { params, source } = t.maxTradesPerDay;
    biases.push({
      label: 'OVERTRADING',
      conditions: [
        graded(
          trades,
          params.count,
          2 * params.count,
          (v) => `This was trade ${v} of the day (${whose(source)} limit: ${params.count} a day)`,
          true,
        ),
      ],
    });
  }
  const median = f.median_trades_per_day;
  if (median != null) {
    const norm = Math.max(OVERTRADING_NORM_MULTIPLE * median, median + OVERTRADING_NORM_EXTRA);
    biases.push({
      label: 'OVERTRADING',
      conditions: [
        graded(
          trades,
          norm,
          2 * norm,
          (v) => `This was trade ${v} of the day, against your usual ${decimal2(median)} a day`,
        ),
      ],
    });
  }

  if (side === 'BUY') addEntryChecks(f, t, biases, discipline);
  else addExitChecks(f, t, biases, discipline);
  return { biases, discipline };
}

function addEntryChecks(f: BiasFeatures, t: Thresholds, biases: Check[], discipline: Check[]): void {
  if (t.fomo) {
    const { params, source } = t.fomo;
    biases.push({
      label: 'FOMO',
      conditions: [
        graded(
          f.pct_change_24h_before,
          params.pct24h,
          2 * params.pct24h,
          (v) =>
            `Price had risen ${percent(v)} in the 24 h before this buy (${whose(source)} threshold: ${percent(params.pct24h)})`,
        ),
        graded(
          f.RSI_14,
          params.rsiMin,
          params.rsiMin + (100 - params.rsiMin) / 2,
          (v) => `RSI(14) was ${score(v)}, overbought (${whose(source)} threshold: ${score(params.rsiMin)})`,
        ),
        graded(
          f.BB_pos,
          params.bbPosMin,
          params.bbPosMin + 0.4,
          (v) =>
            `The price sat at ${decimal2(v)} of its Bollinger band, ${v >= 1 ? 'above the upper band' : 'near the top'} (${whose(source)} threshold: ${decimal2(params.bbPosMin)})`,
        ),
      ],
    });
  }
  if (t.avoidSpikeOverPct) {
    const { pct } = t.avoidSpikeOverPct.params;
    biases.push({
      label: 'FOMO',
      conditions: [
        graded(
          f.pct_change_24h_before,
          pct,
          2 * pct,
          (v) =>
            `You bought after a ${percent(v)} rise in 24 h, past your own limit of ${percent(pct)} for buying after a spike`,
        ),
      ],
    });
  }
  if (t.cooldownAfterLossMinutes) {
    const { params, source } = t.cooldownAfterLossMinutes;
    const lastLoss = f.last_losing_exit_pnl;
    biases.push({
      label: 'REVENGE',
      conditions: [
        graded(
          f.minutes_since_last_losing_exit,
          params.minutes,
          0,
          (v) =>
            `This entry came ${minutes(v)} after a losing exit${lastLoss != null && lastLoss < 0 ? ` (${percent(lastLoss)} loss)` : ''}, inside ${source === 'user' ? 'your' : 'the default'} ${minutes(params.minutes)} cooldown`,
        ),
        graded(f.size_vs_prev_entry, 1, 2, (v) => `It was ${ratio(v)} the size of your previous entry`, true),
      ],
    });
  }
  discipline.push({
    label: 'DISCIPLINE',
    conditions: [
      graded(
        f.pct_above_support,
        SUPPORT_BAND,
        0,
        (v) => `You bought ${percent(v)} above the 72-hour low, within ${percent(SUPPORT_BAND)} of support`,
      ),
    ],
  });
}

function addExitChecks(f: BiasFeatures, t: Thresholds, biases: Check[], discipline: Check[]): void {
  const loss = f.pnl_exit == null ? null : -f.pnl_exit;
  const stop = t.stopLossPct?.params.pct;
  const stopWord = t.stopLossPct?.source === 'user' ? 'your' : 'the default';
  const pastStop = stop !== undefined && loss !== null && exceeds(loss, stop);
  const stopExit =
    !pastStop &&
    (f.stop_loss_hit === true ||
      (stop !== undefined && loss !== null && loss > 0 && reaches(loss, STOP_ZONE * stop)));

  if (t.panic) {
    const { params, source } = t.panic;
    biases.push({
      label: 'PANIC',
      conditions: [
        gate(!stopExit),
        gate(loss === null ? null : loss > 0, () => `You sold at a ${percent(loss ?? 0)} loss`),
        graded(
          f.drawdown_recent,
          params.drawdownMin,
          2 * params.drawdownMin,
          (v) =>
            `The price was ${percent(v)} below its 72-hour high (${whose(source)} threshold: ${percent(params.drawdownMin)})`,
        ),
        graded(
          f.RSI_14,
          params.rsiMax,
          params.rsiMax / 2,
          (v) => `RSI(14) had fallen to ${score(v)} (${whose(source)} threshold: ${score(params.rsiMax)})`,
        ),
      ],
    });
  }

  const plan = holdPlan(f, t);
  if (plan) {
    biases.push({
      label: 'EARLY_EXIT',
      conditions: [
        graded(
          f.held_hours,
          plan.hours,
          0,
          (v) => `You closed after ${hours(v)}, before ${plan.words} of ${hours(plan.hours)}`,
          true,
        ),
        gate(!stopExit),
        gate(!pastStop),
      ],
    });
    discipline.push({
      label: 'DISCIPLINE',
      conditions: [
        graded(
          f.held_hours,
          plan.hours,
          2 * plan.hours,
          (v) => `You held for ${hours(v)}, at least ${plan.words} of ${hours(plan.hours)}`,
        ),
        gate(!pastStop),
      ],
    });
  }

  if (stop !== undefined) {
    biases.push({
      label: 'LATE_EXIT',
      conditions: [
        graded(
          loss,
          stop,
          2 * stop,
          (v) => `You closed at a ${percent(v)} loss, past ${stopWord} ${percent(stop)} stop`,
          true,
        ),
      ],
    });
    discipline.push({
      label: 'DISCIPLINE',
      conditions: [
        gate(loss === null ? null : loss > 0 && !exceeds(loss, stop)),
        stopTaken(f, loss, stop, stopWord),
      ],
    });
  }
}

function stopTaken(f: BiasFeatures, loss: number | null, stop: number, stopWord: string): Condition {
  if (f.stop_loss_hit === true && loss !== null) {
    return {
      met: true,
      margin: 1,
      reason: () => `You took the ${percent(loss)} loss once ${stopWord} ${percent(stop)} stop was reached`,
    };
  }
  return graded(
    loss,
    STOP_ZONE * stop,
    stop,
    (v) => `You cut the loss at ${percent(v)}, within ${stopWord} ${percent(stop)} stop`,
  );
}

function holdPlan(f: BiasFeatures, t: Thresholds): { hours: number; words: string } | undefined {
  if (f.planned_hold_hours != null) return { hours: f.planned_hold_hours, words: 'your planned hold' };
  if (!t.minHoldHours) return undefined;
  const words = t.minHoldHours.source === 'user' ? 'your minimum hold' : 'the default minimum hold';
  return { hours: t.minHoldHours.params.hours, words };
}
