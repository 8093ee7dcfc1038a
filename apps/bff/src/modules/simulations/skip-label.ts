import type { BiasLabel, ScenarioResult } from '@tt/shared';
import { Dec, ZERO, moneyString, moneyWords, ratio } from './sim-money';
import { lotMoney, type SimLot } from './sim-lot';
import { hourlyPoints, pathValues, type PathLeg } from './value-path';

export interface SkipLabelInput {
  /** The closed lots of the period. */
  lots: readonly SimLot[];
  label: BiasLabel;
  /** Whether the lot's entry or exit trade carries the label. */
  isLabelled(lot: SimLot): boolean;
  periodStart: number;
  periodEnd: number;
  symbol: string;
  currency: string;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A realised-P&L-only chart leg: a step at the exit. */
const realisedLeg = (lot: SimLot): PathLeg => ({
  key: lot.key,
  openAt: lot.entryTs.getTime(),
  closeAt: lot.exitTs!.getTime(),
  effQty: 0,
  cost: 0,
  realised: Number(lot.pnlQuote),
});

/**
 * Skip the tagged trades: the period's realised P&L (closed lots, fees included) with and without
 * the lots whose entry or exit carries `label`. Returns are on the capital each set put in.
 */
export function skipLabel(input: SkipLabelInput): ScenarioResult {
  const kept = input.lots.filter((lot) => !input.isLabelled(lot));
  const skipped = input.lots.length - kept.length;
  const pnl = (lots: readonly SimLot[]) => lots.reduce((a, l) => a.plus(new Dec(l.pnlQuote!)), ZERO);
  const capital = (lots: readonly SimLot[]) => lots.reduce((a, l) => a.plus(lotMoney(l).cost), ZERO);
  const actual = pnl(input.lots);
  const counterfactual = pnl(kept);

  const period = `From ${day(input.periodStart)} to ${day(input.periodEnd)}`;
  const explanation =
    input.lots.length === 0
      ? `${period} no position in ${input.symbol} was closed, so there is nothing to leave out.`
      : skipped === 0
        ? `${period} none of your ${input.lots.length} closed positions in ${input.symbol} was tagged ${input.label}: leaving them out changes nothing (${moneyWords(actual, input.currency)}).`
        : `${period} your ${input.lots.length} closed positions in ${input.symbol} made ${moneyWords(actual, input.currency)}. Without the ${skipped} whose entry or exit was tagged ${input.label} they would have made ${moneyWords(counterfactual, input.currency)}, fees included.`;

  const points = hourlyPoints(input.periodStart, input.periodEnd);
  const actualPath = pathValues(input.lots.map(realisedLeg), points, new Map());
  const keptPath = pathValues(kept.map(realisedLeg), points, new Map());
  return {
    kind: 'skipLabel',
    title: `Without ${input.label} trades`,
    actualPnl: moneyString(actual),
    actualReturn: ratio(actual, capital(input.lots)),
    counterfactualPnl: moneyString(counterfactual),
    counterfactualReturn: ratio(counterfactual, capital(kept)),
    difference: moneyString(counterfactual.minus(actual)),
    feesIncluded: true,
    explanation,
    positions: input.lots.length,
    series: points.map((t, i) => ({
      ts: new Date(t).toISOString(),
      actual: actualPath[i]!,
      counterfactual: keptPath[i]!,
    })),
  };
}
