import {
  BiasFeaturesSchema,
  type BiasLabel,
  type CoachTone,
  type DigestPayload,
  type ReflectRequest,
  type ReflectResponse,
  type RuleDto,
} from '@tt/shared';
import type { Database } from '@tt/db';
import type { Logger } from '../../logger';
import type { MarketDataService } from '../market-data';
import { Dec } from '../simulations';
import { markAt, toPriceSeries, type PriceSeries } from '../simulations';
import { dispositionEffect } from './disposition-effect';
import { pickHabit } from './habit';
import { addDays, weekStarting, type LocalWeek } from './local-week';
import { lotsClosedBetween, lotsHeldDuring, taggedTradesBetween, tagsOfTrades } from './digests.repository';
import { countLabels, labelWeeks, positionSummary, type ClosedLot } from './week-stats';

const HOUR_MS = 3_600_000;
/** Weeks of label counts in the chart, this one included. */
export const HISTORY_WEEKS = 8;

export interface DigestBuilderDeps {
  db: Database;
  marketData: Pick<MarketDataService, 'series'>;
  ml: { reflect(request: ReflectRequest): Promise<ReflectResponse> };
  rules: { list(userId: string): Promise<RuleDto[]> };
  logger: Logger;
}

type TagRow = { tradeId: string; label: string; confidence: number; features: unknown };

const quoteOf = (symbol: string) => symbol.split('-')[1] ?? symbol;

/** The week's prices per held series, for the paper gains and losses. */
async function markerFor(deps: DigestBuilderDeps, keys: Iterable<string>, week: LocalWeek) {
  const series = new Map<string, PriceSeries>();
  for (const key of keys) {
    const [broker, symbol] = key.split('|') as [string, string];
    series.set(
      key,
      toPriceSeries(
        await deps.marketData.series(broker, symbol, new Date(week.start.getTime() - HOUR_MS), week.end),
      ),
    );
  }
  return (key: string, atMs: number) => {
    const s = series.get(key);
    return s ? markAt(s, atMs) : null;
  };
}

/**
 * The coach's reflection on the week: the features of the trade that shows the habit most (the
 * worst position carrying it), or of the week's most frequent label when there is no habit.
 */
async function reflectOnWeek(
  deps: DigestBuilderDeps,
  label: BiasLabel | null,
  tags: readonly (TagRow & { inWeek: boolean })[],
  lots: readonly ClosedLot[],
  tone: CoachTone,
): Promise<string | null> {
  if (!label) return null;
  const withLabel = new Map(tags.filter((t) => t.label === label).map((t) => [t.tradeId, t]));
  const worstFirst = [...lots].sort((a, b) => new Dec(a.pnl).comparedTo(b.pnl));
  const tag =
    worstFirst.flatMap((l) => [withLabel.get(l.exitTradeId), withLabel.get(l.entryTradeId)]).find(Boolean) ??
    [...withLabel.values()].find((t) => t.inWeek);
  if (!tag) return null;
  const features = BiasFeaturesSchema.safeParse(tag.features);
  try {
    const answer = await deps.ml.reflect({ features: features.success ? features.data : {}, label, tone });
    return answer.text;
  } catch (err) {
    // A digest without the coach's sentence is still worth delivering.
    deps.logger.warn({ err: { message: (err as Error).message } }, 'digest reflection unavailable');
    return null;
  }
}

export async function buildDigestPayload(
  deps: DigestBuilderDeps,
  userId: string,
  profile: { timeZone: string; tone: CoachTone },
  week: LocalWeek,
): Promise<Omit<DigestPayload, 'personalisedRules'>> {
  const weeks = Array.from({ length: HISTORY_WEEKS }, (_, k) =>
    weekStarting(addDays(week.firstDay, -7 * (HISTORY_WEEKS - 1 - k)), profile.timeZone),
  );
  const rows = await taggedTradesBetween(deps.db, userId, weeks[0]!.start, week.end);
  const labelsOf = new Map<string, Set<string>>();
  const tradesByWeek = weeks.map(() => new Set<string>());
  const tags: (TagRow & { inWeek: boolean })[] = [];
  for (const row of rows) {
    const k = weeks.findIndex((w) => row.ts >= w.start && row.ts < w.end);
    if (k >= 0) tradesByWeek[k]!.add(row.id);
    if (!row.label) continue;
    labelsOf.set(row.id, (labelsOf.get(row.id) ?? new Set()).add(row.label));
    tags.push({
      tradeId: row.id,
      label: row.label,
      confidence: row.confidence!,
      features: row.features,
      inWeek: k === HISTORY_WEEKS - 1,
    });
  }
  const thisWeekTrades = tradesByWeek[HISTORY_WEEKS - 1]!;

  const closedRows = await lotsClosedBetween(deps.db, userId, week.start, week.end);
  const lots: ClosedLot[] = closedRows.map((r) => ({
    entryTradeId: r.entryTradeId,
    exitTradeId: r.exitTradeId!,
    symbol: r.symbol,
    pnl: r.pnlQuote ?? '0',
  }));
  const outside = [...new Set(lots.flatMap((l) => [l.entryTradeId, l.exitTradeId]))].filter(
    (id) => !labelsOf.has(id),
  );
  for (const tag of await tagsOfTrades(deps.db, outside)) {
    labelsOf.set(tag.tradeId, (labelsOf.get(tag.tradeId) ?? new Set()).add(tag.label));
    tags.push({ ...tag, inWeek: false });
  }

  const held = await lotsHeldDuring(deps.db, userId, week.start, week.end);
  const key = (r: { broker: string; symbol: string }) => `${r.broker}|${r.symbol}`;
  const markAtKey = await markerFor(deps, new Set(held.map(key)), week);
  const disposition = dispositionEffect({
    sales: closedRows.map((r) => ({ key: key(r), ts: r.exitTs!.getTime(), pnl: Number(r.pnlQuote ?? 0) })),
    held: held.map((r) => ({
      key: key(r),
      entryTs: r.entryTs.getTime(),
      exitTs: r.exitTs?.getTime() ?? null,
      qty: Number(r.qty),
      cost: new Dec(r.qty).mul(r.entryPrice).plus(r.entryFee).toNumber(),
    })),
    markAt: markAtKey,
    timeZone: profile.timeZone,
  });

  const labels = labelWeeks({
    thisWeek: countLabels(thisWeekTrades, labelsOf),
    previousWeek: countLabels(tradesByWeek[HISTORY_WEEKS - 2]!, labelsOf),
    lots,
    labelsOf,
  });
  const quoteCurrencies = [...new Set(closedRows.map((r) => quoteOf(r.symbol)))].sort();
  const habit = pickHabit(labels, await deps.rules.list(userId), quoteCurrencies.join('/') || 'USD');
  const frequent = [...labels].sort((a, b) => b.count - a.count)[0];
  const reflectionLabel = habit?.label ?? (frequent && frequent.count > 0 ? frequent.label : null);

  return {
    periodStart: week.start.toISOString(),
    periodEnd: week.end.toISOString(),
    timeZone: profile.timeZone,
    firstDay: week.firstDay,
    lastDay: week.lastDay,
    quoteCurrencies,
    trades: thisWeekTrades.size,
    ...positionSummary(lots),
    labels,
    dispositionEffect: disposition,
    habit,
    reflection: await reflectOnWeek(deps, reflectionLabel, tags, lots, profile.tone),
    history: weeks.map((w, k) => ({
      weekStart: w.firstDay,
      counts: Object.fromEntries(countLabels(tradesByWeek[k]!, labelsOf)),
    })),
  };
}
