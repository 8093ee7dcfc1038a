import type { BiasLabel, DigestPayload, LabelWeek, RuleDto } from '@tt/shared';
import { Dec, moneyString, moneyWords } from '../simulations';

type Habit = NonNullable<DigestPayload['habit']>;

/** Labels that name a habit to work on (not the absence of one, not discipline). */
const HABITS: readonly BiasLabel[] = ['FOMO', 'PANIC', 'REVENGE', 'OVERTRADING', 'EARLY_EXIT', 'LATE_EXIT'];

const percent = (fraction: number) => `${Number((fraction * 100).toPrecision(3))} %`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The next step for each habit, in the trader's own rule values where they have them. */
function nextStep(label: BiasLabel, rule: (kind: RuleDto['kind']) => Record<string, number>): string {
  switch (label) {
    case 'FOMO':
      return `Next week, when the price is already up more than ${percent(rule('fomo').pct24h!)} in 24 hours, wait for one more hourly close before buying, or place a limit order 2 % lower.`;
    case 'PANIC':
      return `Next week, decide the exit before the entry: sell at your ${percent(rule('stopLossPct').pct!)} stop, not into a sudden drop below the 72-hour high.`;
    case 'REVENGE':
      return `Next week, after a losing exit wait ${plural(rule('cooldownAfterLossMinutes').minutes!, 'minute')} before the next entry, and keep it no bigger than the one before.`;
    case 'OVERTRADING':
      return `Next week, stop at ${plural(rule('maxTradesPerDay').count!, 'trade')} a day.`;
    case 'EARLY_EXIT':
      return `Next week, hold each position at least ${plural(rule('minHoldHours').hours!, 'hour')} unless your stop is hit.`;
    case 'LATE_EXIT':
      return `Next week, take the loss when it reaches your ${percent(rule('stopLossPct').pct!)} stop.`;
    default:
      return 'Next week, keep doing what worked.';
  }
}

const NAMES: Record<BiasLabel, string> = {
  FOMO: 'Buying after a run-up (FOMO)',
  PANIC: 'Selling into a drop (panic)',
  REVENGE: 'Trading again right after a loss (revenge)',
  OVERTRADING: 'Overtrading',
  EARLY_EXIT: 'Exiting before your planned hold',
  LATE_EXIT: 'Holding losers past your stop',
  DISCIPLINE: 'Discipline',
  NEUTRAL: 'Neutral',
};

/**
 * One habit to work on: the habit whose positions lost the most this week; when none lost money,
 * the most frequent habit; null in a week without one.
 */
export function pickHabit(
  labels: readonly LabelWeek[],
  rules: readonly RuleDto[],
  currency: string,
): Habit | null {
  const habits = labels.filter((l) => HABITS.includes(l.label) && (l.count > 0 || l.positions > 0));
  const costly = habits
    .filter((l) => new Dec(l.pnl).isNeg())
    .sort((a, b) => new Dec(a.pnl).comparedTo(b.pnl) || b.count - a.count);
  const frequent = [...habits].sort((a, b) => b.count - a.count);
  const chosen = costly[0] ?? (frequent[0]?.count ? frequent[0] : undefined);
  if (!chosen) return null;
  const rule = (kind: RuleDto['kind']) => rules.find((r) => r.kind === kind)?.params ?? {};
  const pnl = new Dec(chosen.pnl);
  const what = pnl.isNeg()
    ? `${NAMES[chosen.label]} cost you ${moneyWords(pnl.abs(), currency).slice(1)} this week over ${plural(chosen.positions, 'closed position')} (${plural(chosen.count, 'tagged trade')}).`
    : `${NAMES[chosen.label]} came up in ${plural(chosen.count, 'trade')} this week, more than any other habit.`;
  return {
    label: chosen.label,
    text: `${what} ${nextStep(chosen.label, rule)}`,
    cost: pnl.isNeg() ? moneyString(pnl.abs()) : '0',
  };
}
