import { z } from 'zod';
import { Dec as Decimal } from '../../lib/money';
import type { BiasFeatures, BiasLabel, CoachReflect, IndicatorBatchResult, MlCandle } from '@tt/shared';
import { DEFAULT_RULE_PARAMS } from '@tt/shared';
import type { Database } from '@tt/db';
import type { MlClient } from '@tt/ml';
import type { JobDefinition } from '../../infra/jobs';
import type { CoachEventsService } from '../coach-events';
import type { MarketDataService } from '../market-data';
import type { RulesService } from '../rules';
import type { PipelineMetrics } from '../../observability/metrics';
import { closedLots } from '../positions/positions.repository';
import { userTradesChronological } from '../trades/trades.repository';
import { addCounts, getRun, updateRun } from '../imports/import-runs.repository';
import { toProgress } from '../imports/import-progress';
import { failImportOnLastAttempt } from '../imports/import-trades.job';
import { buildTradeContext, type ExitLots } from './trade-context';
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
  /** Tags stored by label and imports finished (Prometheus series). */
  metrics?: PipelineMetrics;
}

function exitLotsByTrade(lots: Awaited<ReturnType<typeof closedLots>>): Map<string, ExitLots> {
  const grouped = new Map<string, typeof lots>();
  for (const lot of lots) grouped.set(lot.exitTradeId!, [...(grouped.get(lot.exitTradeId!) ?? []), lot]);
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
      pnlPct: cost.isZero() ? 0 : pnl.div(cost).toNumber(),
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
        throw await failImportOnLastAttempt(deps, job, error);
      }
    },
  };
}

async function scoreTrades(deps: ScoreJobDeps, payload: ScoreJobPayload, signal: AbortSignal): Promise<void> {
  const { userId, importId } = payload;
  const profile = await scoringProfile(deps.db, userId);
  if (!profile) return;
  const run = importId ? await getRun(deps.db, importId) : null;
  const all = await userTradesChronological(deps.db, userId);
  const targetIds = await tradeIdsToScore(deps.db, userId, importId ?? null);
  const targets = all.filter((t) => targetIds.has(t.id));
  if (run) await deps.db.transaction((tx) => updateRun(tx, run.id, { scored: 0 }));

  const seriesKey = (t: { broker: string; symbol: string }) => `${t.broker}|${t.symbol}`;
  const candlesByKey = new Map<string, MlCandle[]>();
  for (const key of new Set(all.map(seriesKey))) {
    const [broker, symbol] = key.split('|') as [string, string];
    const first = all.find((t) => seriesKey(t) === key)!.ts.getTime();
    candlesByKey.set(
      key,
      await deps.marketData.series(broker, symbol, new Date(first - HISTORY_HOURS * HOUR), new Date()),
    );
  }

  const indicators = new Map<string, IndicatorBatchResult>();
  for (const key of new Set(targets.map(seriesKey))) {
    const entries = targets
      .filter((t) => seriesKey(t) === key)
      .map((t) => ({ id: t.id, symbol: t.symbol, entryTs: t.ts.toISOString() }));
    const symbol = entries[0]!.symbol;
    for (let i = 0; i < entries.length; i += 10_000) {
      const { results } = await deps.ml.indicatorsBatch({
        series: { [symbol]: candlesByKey.get(key) ?? [] },
        entries: entries.slice(i, i + 10_000),
      });
      for (const r of results) indicators.set(r.id, r);
    }
  }

  const rules = await deps.rules.forScoring(userId);
  const stopRule = rules.find((r) => r.kind === 'stopLossPct');
  const context = buildTradeContext({
    trades: all.map((t) => ({ ...t, side: t.side as 'BUY' | 'SELL', symbol: seriesKey(t) })),
    exits: exitLotsByTrade(await closedLots(deps.db, userId)),
    candlesBySymbol: candlesByKey,
    timeZone: profile.timeZone,
    stopLossPct:
      stopRule && stopRule.kind === 'stopLossPct' ? stopRule.params.pct : DEFAULT_RULE_PARAMS.stopLossPct.pct,
  });

  const tone = profile.tone === 'strict' ? 'strict' : 'supportive';
  for (let i = 0; i < targets.length; i += CHUNK) {
    signal.throwIfAborted();
    const chunk = targets.slice(i, i + CHUNK);
    const tradeById = new Map(chunk.map((t) => [t.id, t]));
    const featuresById = new Map<string, BiasFeatures>(
      chunk.map((t) => {
        const { id: _id, ...ind } = indicators.get(t.id) ?? {};
        return [t.id, { ...ind, ...context.get(t.id), symbol: t.symbol }];
      }),
    );
    const { results } = await deps.ml.scoreBiasBatch({
      items: chunk.map((t) => ({
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
    const ids = chunk.map((t) => t.id);
    const updated = await deps.db.transaction(async (tx) => {
      await replaceTags(tx, ids, tags);
      await replaceAutoReflections(tx, ids, reflections);
      return run ? addCounts(tx, run.id, { scored: chunk.length }) : null;
    });
    deps.metrics?.tagsStored(tags.map((tag) => tag.label));
    await deps.events.raiseMany(userId, 'coach.reflect', events);
    if (updated) await deps.events.raise(userId, 'import.progress', toProgress(updated, targets.length));
  }
  if (run) {
    const done = await updateRun(deps.db, run.id, {
      status: 'succeeded',
      phase: 'done',
      finishedAt: new Date(),
    });
    deps.metrics?.importCompleted('succeeded');
    await deps.events.raise(userId, 'import.progress', toProgress(done, targets.length));
  }
}
