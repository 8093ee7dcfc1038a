import { z } from 'zod';
import { AppError } from '@tt/shared';
import type { Database } from '@tt/db';
import { PermanentJobError, type JobDefinition, type JobQueue } from '../../infra/jobs';
import type { BrokerConnectionsService, ActiveConnection } from '../brokers';
import type { MarketDataService } from '../market-data';
import type { PositionsService } from '../positions';
import type { TradesService } from '../trades';
import { addCounts, getRun, updateRun, type ImportRun } from './import-runs.repository';
import { normalisePage } from './normalise-page';
import type { ImportRunTracker } from './import-run-tracker';
import { readAhead } from '../../lib/read-ahead';

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
  trades: Pick<TradesService, 'changed' | 'store' | 'seriesOfImport'>;
  jobs: JobQueue;
  /** The run's progress events and its end, shared with the scoring stage. */
  runs: ImportRunTracker;
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
      try {
        await runImport(deps, job.payload, job.signal);
      } catch (error) {
        throw await deps.runs.failOnLastAttempt(job, error);
      }
    },
  };
}

async function runImport(deps: ImportJobDeps, payload: ImportJobPayload, signal: AbortSignal): Promise<void> {
  const { importId, userId } = payload;
  let run = await getRun(deps.db, importId);
  if (!run) throw new PermanentJobError(`import ${importId} does not exist`);
  if (run.status === 'succeeded') return;
  run = await updateRun(deps.db, importId, {
    status: 'running',
    phase: 'fetching',
    startedAt: run.startedAt ?? new Date(),
  });
  await deps.runs.report(run);

  const connections = await deps.brokers.activeConnections(userId);
  // A CSV import stored its fills when the file was accepted; an API import fetches them now.
  if (run.kind === 'api') {
    for (const conn of connections) run = await fetchIntoStore(deps, conn, run, signal);
  }
  // Read back from the store rather than kept in memory: a run cut short by a crash stored
  // fills whose series still need candles and pairing.
  const touched = await touchedSeries(deps.trades, userId, importId, connections);

  run = await updateRun(deps.db, importId, { phase: 'candles' });
  await deps.runs.report(run);
  for (const { broker, conn, symbol, first } of touched) {
    await deps.marketData.ensureHourly(
      broker,
      symbol,
      new Date(first - HISTORY_HOURS * HOUR),
      new Date(),
      conn ? (since, until) => deps.brokers.fetchCandles(conn, { symbol, since, until }) : null,
    );
  }

  run = await updateRun(deps.db, importId, { phase: 'pairing' });
  await deps.runs.report(run);
  for (const { broker, symbol } of touched) {
    await deps.positions.repairSeries({ userId, broker, symbol });
  }

  run = await updateRun(deps.db, importId, { phase: 'scoring' });
  await deps.runs.report(run);
  await deps.jobs.enqueue(deps.scoreJob(), { importId, userId }, { jobId: `score-${importId}` });
}

/** Series the import stored fills in; candles come through the user's connection to that broker, if any, else the vendor. */
async function touchedSeries(
  trades: Pick<TradesService, 'seriesOfImport'>,
  userId: string,
  importId: string,
  connections: ActiveConnection[],
) {
  return (await trades.seriesOfImport(userId, importId)).map((s) => ({
    broker: s.broker,
    symbol: s.symbol,
    first: s.first.getTime(),
    conn: connections.find((c) => c.broker === s.broker),
  }));
}

/** Streams one connection's fills into the store, page by page, counting in the same transaction. */
async function fetchIntoStore(
  deps: ImportJobDeps,
  conn: ActiveConnection,
  run: ImportRun,
  signal: AbortSignal,
): Promise<ImportRun> {
  const { userId, id: importId } = run;
  try {
    // The next page is fetched while this one is stored.
    const pages = readAhead(
      deps.brokers.fetchFills(conn, {
        since: run.since,
        until: run.until,
        syncState: conn.syncState,
        signal,
      }),
    );
    for await (const page of pages) {
      const rows = await normalisePage(page.fills, {
        marketData: deps.marketData,
        source: conn.broker,
        fetcherFor: (symbol) => (since, until) => deps.brokers.fetchCandles(conn, { symbol, since, until }),
      });
      run = await deps.db.transaction(async (tx) => {
        const { inserted, duplicates } = await deps.trades.store(tx, userId, importId, rows);
        return addCounts(tx, importId, { fetched: page.fills.length, inserted: inserted.length, duplicates });
      });
      await deps.trades.changed(userId);
      await deps.brokers.saveSyncState(conn.id, page.syncState);
      await deps.runs.report(run);
    }
    await deps.brokers.markSynced(conn.id, new Date());
    await deps.brokers.markError(conn.id, null);
    return run;
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      await deps.brokers.markError(conn.id, { code: error.code, message: error.detail ?? error.title });
    }
    throw error;
  }
}
