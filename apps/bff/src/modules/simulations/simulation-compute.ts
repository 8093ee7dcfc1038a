import { BIAS_LABELS, type BiasLabel, type ScenarioResult, type SimulationResult } from '@tt/shared';
import type { Database } from '@tt/db';
import type { MarketDataService } from '../market-data';
import { holdVsActual, horizonMsOf, waitThenEnter } from './counterfactuals';
import { lastCloseTime, toPriceSeries, HOUR_MS, type PriceSeries } from './price-series';
import { horizonPrice, maxOf, minOf, type SimLot } from './sim-lot';
import { Dec, ZERO } from './sim-money';
import { skipLabel } from './skip-label';
import { closedLotsBetween, tagsOfTrades } from './simulations.repository';
import { SimulationErrors } from './simulations.errors';
import { groupBy } from '../../lib/group-by';

/** What one request simulates: a trade's lots, or every lot of the user in a symbol. */
export interface SimulationScope {
  tradeId: string | null;
  symbol: string;
  lots: SimLot[];
  /** The trade's strongest tag (trade scope only). */
  tradeLabel: BiasLabel | null;
}

export interface SimulationParams {
  horizonDays: number;
  pullbackPct: number;
  skipLabel?: BiasLabel | undefined;
}

export type ComputedSimulation = Omit<SimulationResult, 'id' | 'cached'>;

/** Labels a habit can be left out for by default: not the absence of one, not discipline. */
const HABIT_LABELS = new Set<BiasLabel>(BIAS_LABELS.filter((l) => l !== 'NEUTRAL' && l !== 'DISCIPLINE'));

const iso = (ms: number) => new Date(ms).toISOString();

async function loadPrices(
  marketData: Pick<MarketDataService, 'series'>,
  lots: readonly SimLot[],
  horizonMs: number,
) {
  const byKey = groupBy(lots, (lot) => lot.key);
  const prices = new Map<string, PriceSeries>();
  for (const [key, group] of byKey) {
    const [broker, symbol] = key.split('|') as [string, string];
    const from = minOf(group.map((l) => l.entryTs.getTime())) - HOUR_MS;
    const to =
      maxOf(group.map((l) => Math.max(l.entryTs.getTime() + horizonMs, l.exitTs?.getTime() ?? 0))) + HOUR_MS;
    prices.set(key, toPriceSeries(await marketData.series(broker, symbol, new Date(from), new Date(to))));
  }
  return prices;
}

function horizonError(
  lot: SimLot,
  horizonDays: number,
  horizonMs: number,
  prices: ReadonlyMap<string, PriceSeries>,
  now: Date,
) {
  const end = lot.entryTs.getTime() + horizonMs;
  const series = prices.get(lot.key);
  const last = series ? lastCloseTime(series) : -Infinity;
  const symbol = lot.key.split('|')[1];
  const why =
    end > now.getTime()
      ? `which is still in the future`
      : Number.isFinite(last)
        ? `but the stored prices for ${symbol} stop at ${iso(last)}`
        : `but there are no stored prices for ${symbol} around it`;
  return SimulationErrors.HORIZON_NOT_AVAILABLE({
    detail: `horizonDays ${horizonDays} ends at ${iso(end)}, ${why}. Choose a shorter horizon, or import again once that time has passed.`,
    errors: [{ field: 'body.horizonDays', message: `ends at ${iso(end)}, after the last known price` }],
  });
}

/** The default label for a whole symbol: the habit whose positions lost the most, else the most frequent. */
function costliestLabel(
  lots: readonly SimLot[],
  labelsOf: (lot: SimLot) => ReadonlySet<BiasLabel>,
): BiasLabel | null {
  const stats = new Map<BiasLabel, { pnl: Dec; n: number }>();
  for (const lot of lots) {
    for (const label of labelsOf(lot)) {
      if (!HABIT_LABELS.has(label)) continue;
      const s = stats.get(label) ?? { pnl: ZERO, n: 0 };
      stats.set(label, { pnl: s.pnl.plus(new Dec(lot.pnlQuote!)), n: s.n + 1 });
    }
  }
  const ranked = [...stats].sort(([, a], [, b]) => a.pnl.comparedTo(b.pnl) || b.n - a.n);
  const [first] = ranked;
  if (!first) return null;
  if (first[1].pnl.isNeg()) return first[0];
  return [...stats].sort(([, a], [, b]) => b.n - a.n)[0]![0];
}

/**
 * Runs the three counterfactuals. A single trade whose horizon the prices do not reach is a 422
 * naming `horizonDays`; symbol-wide, such positions are left out of hold and wait (counted in
 * `excludedPositions`), and only when none is left is it a 422.
 */
export async function computeSimulation(
  deps: { db: Database; marketData: Pick<MarketDataService, 'series'>; now: () => Date },
  userId: string,
  scope: SimulationScope,
  params: SimulationParams,
): Promise<ComputedSimulation> {
  const horizonMs = horizonMsOf(params.horizonDays);
  const prices = await loadPrices(deps.marketData, scope.lots, horizonMs);
  const reaches = (lot: SimLot) => horizonPrice(lot, horizonMs, prices) !== null;
  const covered = scope.lots.filter(reaches);
  const missing = scope.lots.find((lot) => !reaches(lot));
  if (missing && (scope.tradeId !== null || covered.length === 0)) {
    throw horizonError(missing, params.horizonDays, horizonMs, prices, deps.now());
  }

  const currency = scope.symbol.split('-')[1]!;
  const base = { horizonDays: params.horizonDays, prices, currency, lots: covered };
  const scenarios: ScenarioResult[] = [
    holdVsActual(base),
    waitThenEnter({ ...base, pullbackPct: params.pullbackPct }),
  ];

  // Skip-the-label covers a period: symbol-wide, every closed position; for one trade, the user's
  // positions in its symbol closed between its entry and its horizon (or its own last exit).
  const periodStart = minOf(scope.lots.map((l) => l.entryTs.getTime()));
  const lastExit = maxOf(scope.lots.flatMap((l) => (l.exitTs ? [l.exitTs.getTime()] : [])));
  const periodEnd = Math.max(scope.tradeId ? periodStart + horizonMs : periodStart, lastExit);
  const universe = scope.tradeId
    ? await closedLotsBetween(deps.db, userId, scope.symbol, new Date(periodStart), new Date(periodEnd))
    : scope.lots.filter((l) => l.exitTs !== null);
  const tags = await tagsOfTrades(deps.db, [
    ...new Set(universe.flatMap((l) => [l.entryTradeId, l.exitTradeId!])),
  ]);
  const labelsOf = (lot: SimLot) =>
    new Set(
      [...(tags.get(lot.entryTradeId) ?? []), ...(tags.get(lot.exitTradeId!) ?? [])].map(
        (t) => t.label as BiasLabel,
      ),
    );
  const label = params.skipLabel ?? (scope.tradeId ? scope.tradeLabel : costliestLabel(universe, labelsOf));
  if (label) {
    scenarios.push(
      skipLabel({
        lots: universe,
        label,
        isLabelled: (lot) => labelsOf(lot).has(label),
        periodStart,
        periodEnd,
        symbol: scope.symbol,
        currency,
      }),
    );
  }

  const fills = new Set(
    scope.lots.flatMap((l) => (l.exitTradeId ? [l.entryTradeId, l.exitTradeId] : [l.entryTradeId])),
  );
  return {
    request: {
      tradeId: scope.tradeId,
      symbol: scope.symbol,
      horizonDays: params.horizonDays,
      pullbackPct: params.pullbackPct,
      skipLabel: label,
    },
    quoteCurrency: currency,
    trades: fills.size,
    excludedPositions: scope.lots.length - covered.length,
    scenarios,
    computedAt: deps.now().toISOString(),
  };
}
