import { BIAS_LABELS, type BiasLabel, type DigestPayload, type LabelWeek } from '@tt/shared';
import { ZERO, moneyString, type Dec } from '../simulations';

/** A lot closed in the week. */
export interface ClosedLot {
  entryTradeId: string;
  exitTradeId: string;
  symbol: string;
  pnl: string;
}

type PositionSummary = Pick<
  DigestPayload,
  'closedPositions' | 'winRate' | 'pnl' | 'expectancy' | 'profitFactor' | 'best' | 'worst'
>;

/** A closed position is an exit fill with the lots it closed; its P&L is theirs summed. */
export function positionSummary(lots: readonly ClosedLot[]): PositionSummary {
  const byExit = new Map<string, { symbol: string; pnl: Dec }>();
  for (const lot of lots) {
    const seen = byExit.get(lot.exitTradeId);
    byExit.set(lot.exitTradeId, { symbol: lot.symbol, pnl: (seen?.pnl ?? ZERO).plus(lot.pnl) });
  }
  const positions = [...byExit].map(([tradeId, p]) => ({ tradeId, ...p }));
  const total = positions.reduce((a, p) => a.plus(p.pnl), ZERO);
  const grossProfit = positions.filter((p) => p.pnl.gt(0)).reduce((a, p) => a.plus(p.pnl), ZERO);
  const grossLoss = positions.filter((p) => p.pnl.isNeg()).reduce((a, p) => a.plus(p.pnl.abs()), ZERO);
  const ranked = [...positions].sort((a, b) => b.pnl.comparedTo(a.pnl) || (a.tradeId < b.tradeId ? -1 : 1));
  const ref = (p: (typeof positions)[number] | undefined) =>
    p ? { tradeId: p.tradeId, symbol: p.symbol, pnl: moneyString(p.pnl) } : null;
  const wins = positions.filter((p) => p.pnl.gt(0)).length;
  return {
    closedPositions: positions.length,
    winRate: positions.length === 0 ? null : wins / positions.length,
    pnl: moneyString(total),
    expectancy: positions.length === 0 ? null : moneyString(total.div(positions.length)),
    profitFactor: grossLoss.isZero() ? null : grossProfit.div(grossLoss).toNumber(),
    best: ref(ranked[0]),
    worst: ref(ranked.at(-1)),
  };
}

export function countLabels(
  tradeIds: Iterable<string>,
  labelsOf: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of tradeIds)
    for (const label of labelsOf.get(id) ?? []) counts.set(label, (counts.get(label) ?? 0) + 1);
  return counts;
}

/**
 * Every label with its count this week and the week before, and the realised P&L of the week's
 * closed positions whose entry or exit carries it (a position with two labels counts for both).
 */
export function labelWeeks(input: {
  thisWeek: ReadonlyMap<string, number>;
  previousWeek: ReadonlyMap<string, number>;
  lots: readonly ClosedLot[];
  labelsOf: ReadonlyMap<string, ReadonlySet<string>>;
}): LabelWeek[] {
  const pnl = new Map<string, Dec>();
  const exits = new Map<string, Set<string>>();
  for (const lot of input.lots) {
    const own = new Set([
      ...(input.labelsOf.get(lot.entryTradeId) ?? []),
      ...(input.labelsOf.get(lot.exitTradeId) ?? []),
    ]);
    for (const label of own) {
      pnl.set(label, (pnl.get(label) ?? ZERO).plus(lot.pnl));
      exits.set(label, (exits.get(label) ?? new Set()).add(lot.exitTradeId));
    }
  }
  return BIAS_LABELS.map((label: BiasLabel) => {
    const count = input.thisWeek.get(label) ?? 0;
    const previousWeekCount = input.previousWeek.get(label) ?? 0;
    return {
      label,
      count,
      previousWeekCount,
      trend: count > previousWeekCount ? 'up' : count < previousWeekCount ? 'down' : 'same',
      pnl: moneyString(pnl.get(label) ?? ZERO),
      positions: exits.get(label)?.size ?? 0,
    };
  });
}
