import { z } from 'zod';
import { AppError } from '@tt/shared';
import type { Database } from '@tt/db';
import { PermanentJobError, type JobDefinition, type JobQueue } from '../../infra/jobs';
import type { BrokerConnectionsService, ActiveConnection } from '../brokers';
import type { CoachEventsService } from '../coach-events';
import type { MarketDataService } from '../market-data';
import type { PositionsService } from '../positions';
import { insertTrades, seriesOfImport } from '../trades/trades.repository';
import { addCounts, getRun, updateRun } from './import-runs.repository';
import { normalisePage } from './normalise-page';
import { toProgress } from './import-progress';

/** Indicators need 250 closed hourly candles before the first entry (DESIGN §6), plus margin. */
export const HISTORY_HOURS = 260;
const HOUR = 3_600_000;

export const ImportJobPayloadSchema = z.object({ importId: z.string().uuid(), userId: z.string().uuid() });
export type ImportJobPayload = z.infer<typeof ImportJobPayloadSchema>;

export interface ImportJobDeps {
  db: Database;
  brokers: BrokerConnectionsService;
  marketData: MarketDataService;
  positions: PositionsService;
  events: CoachEventsService;
  jobs: JobQueue;
  /** The scoring job this import hands over to. */
  scoreJob: () => JobDefinition<{ userId: string; importId?: string | undefined }>;
}

/**
 * q_import: fetch every active connection's fills for the window, store them once, fetch the
 * candles their features need, re-pair the touched series, then hand over to q_score. Safe to run
 * again after a crash: inserts ignore known fills and pairing is recomputed from stored fills.
 */
export function importTradesJob(deps: ImportJobDeps): JobDefinition<ImportJobPayload> {
  return {
    queue: 'q_import',
    name: 'import.trades',
    payload: ImportJobPayloadSchema,
    async handle(job) {
      const { importId, userId } = job.payload;
      let run = await getRun(deps.db, importId);
      if (!run) throw new PermanentJobError(`import ${importId} does not exist`);
      if (run.status === 'succeeded') return;
      run = await updateRun(deps.db, importId, {
        status: 'running',
        phase: 'fetching',
        startedAt: run.startedAt ?? new Date(),
      });
      await deps.events.raise(userId, 'import.progress', toProgress(run));

      const connections = await deps.brokers.activeConnections(userId);
      for (const conn of connections) {
        try {
          for await (const page of deps.brokers.fetchFills(conn, {
            since: run.since,
            until: run.until,
            syncState: conn.syncState,
            signal: job.signal,
          })) {
            const rows = await normalisePage(page.fills, {
              marketData: deps.marketData,
              source: conn.broker,
              fetcherFor: (symbol) => (since, until) =>
                deps.brokers.fetchCandles(conn, { symbol, since, until }),
            });
            run = await deps.db.transaction(async (tx) => {
              const { inserted, duplicates } = await insertTrades(tx, userId, importId, rows);
              return addCounts(tx, importId, {
                fetched: page.fills.length,
                inserted: inserted.length,
                duplicates,
              });
            });
            await deps.brokers.saveSyncState(conn.id, page.syncState);
            await deps.events.raise(userId, 'import.progress', toProgress(run));
          }
          await deps.brokers.markSynced(conn.id, new Date());
          await deps.brokers.markError(conn.id, null);
        } catch (error) {
          if (error instanceof AppError && error.status < 500) {
            await deps.brokers.markError(conn.id, { code: error.code, message: error.detail ?? error.title });
          }
          throw error;
        }
      }
      // Read back from the store rather than kept in memory: a run cut short by a crash stored
      // fills whose series still need candles and pairing.
      const touched = await touchedSeries(deps.db, userId, importId, connections);

      run = await updateRun(deps.db, importId, { phase: 'candles' });
      await deps.events.raise(userId, 'import.progress', toProgress(run));
      for (const { conn, symbol, first } of touched) {
        await deps.marketData.ensureHourly(
          conn.broker,
          symbol,
          new Date(first - HISTORY_HOURS * HOUR),
          new Date(),
          (since, until) => deps.brokers.fetchCandles(conn, { symbol, since, until }),
        );
      }

      run = await updateRun(deps.db, importId, { phase: 'pairing' });
      await deps.events.raise(userId, 'import.progress', toProgress(run));
      for (const { conn, symbol } of touched) {
        await deps.positions.repairSeries({ userId, broker: conn.broker, symbol });
      }

      run = await updateRun(deps.db, importId, { phase: 'scoring' });
      await deps.events.raise(userId, 'import.progress', toProgress(run));
      await deps.jobs.enqueue(deps.scoreJob(), { importId, userId }, { jobId: `score-${importId}` });
    },
  };
}

async function touchedSeries(
  db: Database,
  userId: string,
  importId: string,
  connections: ActiveConnection[],
) {
  const out: { conn: ActiveConnection; symbol: string; first: number }[] = [];
  for (const s of await seriesOfImport(db, userId, importId)) {
    const conn = connections.find((c) => c.broker === s.broker);
    if (conn) out.push({ conn, symbol: s.symbol, first: s.first.getTime() });
  }
  return out;
}
