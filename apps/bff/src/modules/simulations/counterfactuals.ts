import type { ScenarioResult } from '@tt/shared';
import { Dec, ZERO, moneyString, moneyWords, priceWords, ratio } from './sim-money';
import { firstTouchAtOrBelow, type PriceSeries } from './price-series';
import {
  actualLeg,
  chartQty,
  actualPnl,
  horizonPrice,
  lotMoney,
  maxOf,
  minOf,
  pnlSoldAt,
  type HorizonPrice,
  type LotMoney,
  type SimLot,
} from './sim-lot';
import { hourlyPoints, pathValues, type PathLeg } from './value-path';

const DAY_MS = 86_400_000;

/** What hold and wait share: the lots (every one with prices up to its horizon) and the market. */
export interface CounterfactualInput {
  lots: readonly SimLot[];
  horizonDays: number;
  prices: ReadonlyMap<string, PriceSeries>;
  currency: string;
}

interface PricedLot {
  lot: SimLot;
  money: LotMoney;
  atHorizon: HorizonPrice;
  actual: Dec;
}

export const horizonMsOf = (horizonDays: number) => Math.round(horizonDays * DAY_MS);

function priced(input: CounterfactualInput): PricedLot[] {
  const horizonMs = horizonMsOf(input.horizonDays);
  // The lots of one entry fill share its fee rate: one division per fill.
  const rates = new Map<string, Dec>();
  return input.lots.map((lot) => {
    const atHorizon = horizonPrice(lot, horizonMs, input.prices);
    // The service leaves out (or refuses) lots whose horizon the prices do not reach.
    if (!atHorizon) throw new Error(`no price at the horizon of lot ${lot.entryTradeId}`);
    const money = lotMoney(lot, rates);
    return { lot, money, atHorizon, actual: actualPnl(lot, money, atHorizon) };
  });
}

const sum = (values: Dec[]) => values.reduce((a, b) => a.plus(b), ZERO);
const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const percentWords = (fraction: number) => `${Number((fraction * 100).toPrecision(4))} %`;
const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

function chart(
  actual: PathLeg[],
  counterfactual: PathLeg[],
  fromMs: number,
  toMs: number,
  prices: ReadonlyMap<string, PriceSeries>,
) {
  const points = hourlyPoints(fromMs, toMs);
  const a = pathValues(actual, points, prices);
  const c = pathValues(counterfactual, points, prices);
  return points.map((t, i) => ({ ts: new Date(t).toISOString(), actual: a[i]!, counterfactual: c[i]! }));
}

function chartRange(lots: readonly PricedLot[]): [number, number] {
  const from = minOf(lots.map((p) => p.lot.entryTs.getTime()));
  const to = maxOf(lots.map((p) => Math.max(p.atHorizon.horizonAt, p.lot.exitTs?.getTime() ?? 0)));
  return [from, to];
}

/**
 * Hold vs actual: every lot held from its entry to `entry + horizonDays` and sold at the close of
 * the last candle closed by then, paying the entry fill's fee rate on the exit.
 */
export function holdVsActual(input: CounterfactualInput): ScenarioResult {
  const lots = priced(input);
  const counterfactuals = lots.map((p) =>
    pnlSoldAt(p.money.qty, p.money.cost, p.money.feeRate, p.atHorizon.price),
  );
  const actual = sum(lots.map((p) => p.actual));
  const counterfactual = sum(counterfactuals);
  const capital = sum(lots.map((p) => p.money.cost));
  const open = lots.filter((p) => p.lot.exitTs === null).length;

  const only = lots.length === 1 ? lots[0]! : null;
  const how = only
    ? `Holding this position for ${days(input.horizonDays)} and selling at the hourly close then (${priceWords(only.atHorizon.price)} at ${utc(only.atHorizon.closedAt)})`
    : `Holding each of these ${lots.length} positions for ${days(input.horizonDays)} after its entry and selling at the hourly close then`;
  const fee = only
    ? `the exit pays your entry's fee rate of ${percentWords(only.money.feeRate.toNumber())}`
    : `each exit pays its entry's fee rate`;
  const stillOpen =
    open === 0
      ? ''
      : ` ${open === 1 ? 'One position is' : `${open} positions are`} still open and valued at the horizon price like the alternative.`;

  const [from, to] = chartRange(lots);
  return {
    kind: 'holdVsActual',
    title: `Held for ${days(input.horizonDays)}`,
    actualPnl: moneyString(actual),
    actualReturn: ratio(actual, capital),
    counterfactualPnl: moneyString(counterfactual),
    counterfactualReturn: ratio(counterfactual, capital),
    difference: moneyString(counterfactual.minus(actual)),
    feesIncluded: true,
    explanation: `${how} would have made ${moneyWords(counterfactual, input.currency)} against your actual ${moneyWords(actual, input.currency)}; ${fee}.${stillOpen}`,
    positions: lots.length,
    series: chart(
      lots.map((p) => actualLeg(p.lot, p.money, p.actual)),
      lots.map((p, i) => ({
        key: p.lot.key,
        openAt: p.lot.entryTs.getTime(),
        closeAt: p.atHorizon.horizonAt,
        effQty: chartQty(p.money),
        cost: p.money.cost.toNumber(),
        realised: counterfactuals[i]!.toNumber(),
      })),
      from,
      to,
      input.prices,
    ),
  };
}

/**
 * Wait then enter: the same quantity bought only once the price trades `pullbackPct` below the
 * entry price (the first hourly candle opening after the entry whose low reaches that level; the
 * buy fills at the level and counts from that candle's close), then held to the horizon. A lot
 * whose pullback never came before its horizon stays in cash (P&L 0).
 */
export function waitThenEnter(input: CounterfactualInput & { pullbackPct: number }): ScenarioResult {
  const lots = priced(input);
  const pullback = new Dec(input.pullbackPct);
  const fills = lots.map((p) => {
    const level = p.money.entryPrice.mul(new Dec(1).minus(pullback));
    const series = input.prices.get(p.lot.key)!;
    const filledAt = firstTouchAtOrBelow(
      series,
      level.toNumber(),
      p.lot.entryTs.getTime(),
      p.atHorizon.horizonAt,
    );
    if (filledAt === null) return { level, filledAt, cost: ZERO, pnl: ZERO };
    const notional = p.money.qty.mul(level);
    const cost = notional.plus(notional.mul(p.money.feeRate));
    return { level, filledAt, cost, pnl: pnlSoldAt(p.money.qty, cost, p.money.feeRate, p.atHorizon.price) };
  });
  const actual = sum(lots.map((p) => p.actual));
  const counterfactual = sum(fills.map((f) => f.pnl));
  const filled = fills.filter((f) => f.filledAt !== null).length;
  const pct = percentWords(input.pullbackPct);

  let explanation: string;
  const only = lots.length === 1 ? fills[0]! : null;
  if (filled === 0) {
    const level = only ? ` (${priceWords(only.level)})` : '';
    explanation = `The price never fell ${pct} below ${only ? 'your entry' : 'any of your entries'}${level} within ${days(input.horizonDays)}, so waiting would have kept you out of the market: P&L 0 against your actual ${moneyWords(actual, input.currency)}.`;
  } else {
    const when = only ? ` at ${priceWords(only.level)} (the hour to ${utc(only.filledAt!)})` : '';
    const missed =
      filled < lots.length
        ? ` ${lots.length - filled} of the ${lots.length} positions would never have filled and stay at 0.`
        : '';
    explanation = `Waiting for a ${pct} pullback below ${only ? 'your entry' : 'each entry'}${when}, buying the same quantity there and holding to ${days(input.horizonDays)} after the original entry would have made ${moneyWords(counterfactual, input.currency)} against your actual ${moneyWords(actual, input.currency)}, fees included.${missed}`;
  }

  const [from, to] = chartRange(lots);
  return {
    kind: 'waitThenEnter',
    title: `Waited for a ${pct} pullback`,
    actualPnl: moneyString(actual),
    actualReturn: ratio(actual, sum(lots.map((p) => p.money.cost))),
    counterfactualPnl: moneyString(counterfactual),
    counterfactualReturn: ratio(counterfactual, sum(fills.map((f) => f.cost))),
    difference: moneyString(counterfactual.minus(actual)),
    feesIncluded: true,
    explanation,
    positions: lots.length,
    series: chart(
      lots.map((p) => actualLeg(p.lot, p.money, p.actual)),
      lots.flatMap((p, i) => {
        const f = fills[i]!;
        if (f.filledAt === null) return [];
        return [
          {
            key: p.lot.key,
            openAt: f.filledAt,
            closeAt: p.atHorizon.horizonAt,
            effQty: chartQty(p.money),
            cost: f.cost.toNumber(),
            realised: f.pnl.toNumber(),
          },
        ];
      }),
      from,
      to,
      input.prices,
    ),
  };
}
