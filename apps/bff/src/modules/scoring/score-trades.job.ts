import { z } from 'zod';
import { Dec as Decimal, ratio } from '../../lib/money';
import { groupBy } from '../../lib/group-by';
import type { BiasFeatures, BiasLabel, CoachReflect, IndicatorBatchResult, MlCandle } from '@tt/shared';
import { DEFAULT_RULE_PARAMS } from '@tt/shared';
import type { Database } from '@tt/db';
import type { MlClient } from '@tt/ml';
import type { JobDefinition } from '../../infra/jobs';
import type { CoachEventsService } from '../coach-events';
import type { MarketDataService } from '../market-data';
import type { RulesService } from '../rules';
import type { TradesService } from '../trades';
import type { PipelineMetrics } from '../../observability/metrics';
import type { ImportRunTracker } from '../imports';
import type { PositionsService } from '../positions';
import { tradeContexts, type ExitLots } from './trade-context';
import {
  replaceAutoReflections,
  replaceTags,
  SCORING_REFLECTION,
  type NewReflection,
  type NewTag,
} from './tags.repository';
import { scoringProfile, tradeIdsToScore } from './scoring.repository';

const HOUR = 3_600_000;
const HISTORY_HOURS = 260;
const CHUNK = 2000;

export const ScoreJobPayloadSchema = z.object({
  userId: z.string().uuid(),
  /** The import whose trades to score; absent when a rule change re-scores everything. */
  importId: z.string().uuid().optional(),
});
export type ScoreJobPayload = z.infer<typeof ScoreJobPayloadSchema>;

export interface ScoreJobDeps {
  db: Database;
  ml: MlClient;
  marketData: MarketDataService;
  rules: RulesService;
  events: CoachEventsService;
  trades: Pick<TradesService, 'changed' | 'chronological'>;
  positions: Pick<PositionsService, 'closedLots'>;
  /** The import run this scoring continues: its counts, its end. */
  runs: ImportRunTracker;
  /** Tags stored by label (Prometheus series). */
  metrics?: PipelineMetrics;
}

function exitLotsByTrade(lots: Awaited<ReturnType<PositionsService['closedLots']>>): Map<string, ExitLots> {
  const grouped = groupBy(lots, (lot) => lot.exitTradeId!);
  const out = new Map<string, ExitLots>();
  for (const [tradeId, group] of grouped) {
    let qty = new Decimal(0);
    let cost = new Decimal(0);
    let pnl = new Decimal(0);
    let held = 0;
    for (const lot of group) {
      qty = qty.plus(lot.qty);
      cost = cost.plus(new Decimal(lot.qty).mul(lot.entryPrice).plus(lot.entryFee));
      pnl = pnl.plus(lot.pnlQuote ?? 0);
      held += (lot.heldHours ?? 0) * Number(lot.qty);
    }
    out.set(tradeId, {
      heldHours: qty.isZero() ? 0 : held / qty.toNumber(),
      pnlQuote: pnl.toFixed(),
      pnlPct: ratio(pnl, cost) ?? 0,
      firstEntryTs: new Date(Math.min(...group.map((l) => l.entryTs.getTime()))),
      entryPrices: group.map((l) => Number(l.entryPrice)),
    });
  }
  return out;
}

/**
 * q_score: indicator features through the ML service in batches (candles travel once per series),
 * the trade-history context, bias tags with their features and reasons, a reflection per closed
 * position, and a `coach.reflect` event per tagged trade. Re-running replaces what it wrote.
 */
export function scoreTradesJob(deps: ScoreJobDeps): JobDefinition<ScoreJobPayload> {
  return {
    queue: 'q_score',
    name: 'score.bias',
    payload: ScoreJobPayloadSchema,
    async handle(job) {
      try {
        await scoreTrades(deps, job.payload, job.signal);
      } catch (error) {
        throw await deps.runs.failOnLastAttempt(job, error);
      }
    },
  };
}

type ScoringTrade = Awaited<ReturnType<TradesService['chronological']>>[number];
const seriesKey = (t: { broker: string; symbol: string }) => `${t.broker}|${t.symbol}`;

/** Indicator features of one chunk's trades, one ML batch per series (its candles travel with it). */
async function chunkIndicators(
  ml: MlClient,
  chunk: readonly ScoringTrade[],
  candlesByKey: ReadonlyMap<string, MlCandle[]>,
): Promise<Map<string, IndicatorBatchResult>> {
  const bySeries = groupBy(chunk, seriesKey);
  const out = new Map<string, IndicatorBatchResult>();
  for (const [key, trades] of bySeries) {
    const symbol = trades[0]!.symbol;
    const { results } = await ml.indicatorsBatch({
      series: { [symbol]: candlesByKey.get(key) ?? [] },
      entries: trades.map((t) => ({ id: t.id, symbol, entryTs: t.ts.toISOString() })),
    });
    for (const r of results) out.set(r.id, r);
  }
  return out;
}

async function scoreTrades(deps: ScoreJobDeps, payload: ScoreJobPayload, signal: AbortSignal): Promise<void> {
  const { userId, importId } = payload;
  const profile = await scoringProfile(deps.db, userId);
  if (!profile) return;
  const run = importId ? await deps.runs.find(importId) : null;
  const all = await deps.trades.chronological(userId);
  const targetIds = await tradeIdsToScore(deps.db, userId, importId ?? null);
  if (run) await deps.runs.restartScoring(run.id);

  const candlesByKey = new Map<string, MlCandle[]>();
  for (const t of all) {
    const key = seriesKey(t);
    if (candlesByKey.has(key)) continue;
    // `all` is in time order: the first trade of a series is its earliest.
    const from = new Date(t.ts.getTime() - HISTORY_HOURS * HOUR);
    candlesByKey.set(key, await deps.marketData.series(t.broker, t.symbol, from, new Date()));
  }

  const rules = await deps.rules.forScoring(userId);
  const stopRule = rules.find((r) => r.kind === 'stopLossPct');
  // One pass over the history in time order; features exist for one chunk at a time.
  const contexts = tradeContexts({
    trades: all,
    exits: exitLotsByTrade(await deps.positions.closedLots(userId)),
    candlesOf: (t) => candlesByKey.get(seriesKey(t)) ?? [],
    timeZone: profile.timeZone,
    stopLossPct:
      stopRule && stopRule.kind === 'stopLossPct' ? stopRule.params.pct : DEFAULT_RULE_PARAMS.stopLossPct.pct,
  });

  const tone = profile.tone === 'strict' ? 'strict' : 'supportive';
  const scoreChunk = async (chunk: readonly (readonly [ScoringTrade, BiasFeatures])[]) => {
    signal.throwIfAborted();
    const tradeById = new Map(chunk.map(([trade]) => [trade.id, trade]));
    const indicators = await chunkIndicators(
      deps.ml,
      chunk.map(([trade]) => trade),
      candlesByKey,
    );
    const featuresById = new Map<string, BiasFeatures>(
      chunk.map(([t, context]) => {
        const { id: _id, ...ind } = indicators.get(t.id) ?? {};
        return [t.id, { ...ind, ...context }];
      }),
    );
    const { results } = await deps.ml.scoreBiasBatch({
      items: chunk.map(([t]) => ({
        id: t.id,
        side: t.side as 'BUY' | 'SELL',
        features: featuresById.get(t.id)!,
        rules,
      })),
    });
    const tags: NewTag[] = [];
    const reflections: NewReflection[] = [];
    const events: CoachReflect[] = [];
    for (const { id, labels } of results) {
      const trade = tradeById.get(id)!;
      const features = featuresById.get(id)!;
      for (const l of labels) {
        tags.push({
          tradeId: id,
          userId,
          label: l.label,
          confidence: l.confidence,
          reasons: l.reasons,
          features,
        });
      }
      let insight: string | undefined;
      if (trade.side === 'SELL' && features.pnl_exit != null) {
        const reflection = await deps.ml.reflect({ features, label: labels[0]!.label, tone });
        insight = reflection.text;
        reflections.push({
          userId,
          tradeId: id,
          label: reflection.bias,
          tone,
          text: reflection.text,
          source: SCORING_REFLECTION,
        });
      }
      events.push({
        tradeId: id,
        symbol: trade.symbol,
        side: trade.side as 'BUY' | 'SELL',
        tradeTs: trade.ts.toISOString(),
        labels: labels.map((l) => ({ name: l.label as BiasLabel, confidence: l.confidence })),
        tone,
        ...(insight ? { insight } : {}),
      });
    }
    const ids = chunk.map(([trade]) => trade.id);
    const updated = await deps.db.transaction(async (tx) => {
      await replaceTags(tx, ids, tags);
      await replaceAutoReflections(tx, ids, reflections);
      return run ? deps.runs.addScored(tx, run.id, chunk.length) : null;
    });
    await deps.trades.changed(userId);
    deps.metrics?.tagsStored(tags.map((tag) => tag.label));
    await deps.events.raiseMany(userId, 'coach.reflect', events);
    if (updated) await deps.runs.report(updated, targetIds.size);
  };

  let pending: (readonly [ScoringTrade, BiasFeatures])[] = [];
  for (const entry of contexts) {
    if (!targetIds.has(entry[0].id)) continue;
    pending.push(entry);
    if (pending.length === CHUNK) {
      await scoreChunk(pending);
      pending = [];
    }
  }
  if (pending.length > 0) await scoreChunk(pending);
  if (run) await deps.runs.succeed(run.id, targetIds.size);
}
