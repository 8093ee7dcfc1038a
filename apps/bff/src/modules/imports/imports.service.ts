import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineErrors, parseOrThrow, type BrokerId } from '@tt/shared';
import { parseTradeCsv } from '@tt/adapters';
import type { Database } from '@tt/db';
import type { JobDefinition, JobQueue } from '../../infra/jobs';
import type { BrokerConnectionsService } from '../brokers';
import {
  addCounts,
  createRun,
  updateRun,
  findPendingRun,
  getUserRun,
  listRuns,
  listUnfinishedRuns,
  type ImportRun,
} from './import-runs.repository';
import type { MarketDataService } from '../market-data';
import type { TradesService } from '../trades';
import { normalisePage } from './normalise-page';
import type { ImportJobPayload } from './import-trades.job';

export const ImportErrors = defineErrors('IMPORT', {
  NO_CONNECTION: [409, 'Connect a broker first'],
  WINDOW_TOO_LARGE: [422, 'The import window is too large'],
  NOT_FOUND: [404, 'Import not found'],
});

const DAY = 86_400_000;
/** 30 days by default (blueprint §0); a backfill may reach further back, up to a year. */
export const DEFAULT_WINDOW_DAYS = 30;
export const MAX_BACKFILL_DAYS = 365;

export const ImportRequestSchema = z.object({ since: z.iso.datetime({ offset: true }).optional() }).strict();

export interface ImportsService {
  /** Stores every fill of a broker's CSV export (all or nothing), then pairs and scores them in the background. */
  importCsv(userId: string, broker: BrokerId, text: string): Promise<ImportRun>;
  requestImport(userId: string, body: unknown): Promise<{ run: ImportRun; deduped: boolean }>;
  get(userId: string, importId: string): Promise<ImportRun>;
  list(userId: string, before: { ts: Date; id: string } | undefined, limit: number): Promise<ImportRun[]>;
  /**
   * Puts the job of every import still queued or running back on its queue: the scoring job once
   * the run reached scoring, else the import job. Enqueueing is idempotent by job id, so a job the
   * queue still holds is left alone and only one the queue lost (a Redis restarted without its
   * data) runs again. Answers how many were put back.
   */
  requeueUnfinished(): Promise<number>;
}

/**
 * The job id is derived from the user, the brokers and the window, so the same request within the
 * same hour is the same job (blueprint §5: `jobId = sha256(userId+since+until+broker)`).
 */
export function importJobId(userId: string, brokers: string[], since: Date, until: Date): string {
  const digest = createHash('sha256')
    .update([userId, ...[...brokers].sort(), since.toISOString(), until.toISOString()].join('|'))
    .digest('hex');
  return `import-${digest.slice(0, 40)}`;
}

export function createImportsService(deps: {
  db: Database;
  jobs: JobQueue;
  trades: Pick<TradesService, 'changed' | 'store'>;
  brokers: BrokerConnectionsService;
  importJob: () => JobDefinition<ImportJobPayload>;
  /** The scoring job an import hands over to (`score-<importId>`). */
  scoreJob: () => JobDefinition<{ userId: string; importId?: string | undefined }>;
  marketData: MarketDataService;
  now?: () => Date;
}): ImportsService {
  const now = deps.now ?? (() => new Date());
  return {
    async importCsv(userId, broker, text) {
      const parsed = parseTradeCsv(text, broker);
      const connection = (await deps.brokers.activeConnections(userId)).find((c) => c.broker === broker);
      const rows = await normalisePage(parsed.fills, {
        marketData: deps.marketData,
        source: broker,
        fetcherFor: (symbol) =>
          connection
            ? (since, until) => deps.brokers.fetchCandles(connection, { symbol, since, until })
            : null,
      });
      const times = parsed.fills.map((f) => Date.parse(f.ts));
      const since = new Date(times.reduce((a, b) => Math.min(a, b), now().getTime()));
      const until = new Date(times.reduce((a, b) => Math.max(a, b), since.getTime()));
      const run = await deps.db.transaction(async (tx) => {
        const created = await createRun(tx, { userId, jobId: 'pending', kind: 'csv', since, until });
        const { inserted, duplicates } = await deps.trades.store(tx, userId, created.id, rows);
        await addCounts(tx, created.id, { fetched: rows.length, inserted: inserted.length, duplicates });
        return updateRun(tx, created.id, { jobId: `csv-${created.id}` });
      });
      await deps.trades.changed(userId);
      await deps.jobs.enqueue(deps.importJob(), { importId: run.id, userId }, { jobId: run.jobId });
      return run;
    },
    async requestImport(userId, body) {
      const input = parseOrThrow(ImportRequestSchema, body ?? {}, 'body');
      const until = new Date(Math.ceil(now().getTime() / 3_600_000) * 3_600_000);
      const since = input.since
        ? new Date(input.since)
        : new Date(until.getTime() - DEFAULT_WINDOW_DAYS * DAY);
      if (until.getTime() - since.getTime() > MAX_BACKFILL_DAYS * DAY || since >= until) {
        throw ImportErrors.WINDOW_TOO_LARGE({
          detail: `since must be within the last ${MAX_BACKFILL_DAYS} days and before now.`,
          errors: [{ field: 'body.since', message: `must be within the last ${MAX_BACKFILL_DAYS} days` }],
        });
      }
      const connections = await deps.brokers.activeConnections(userId);
      if (connections.length === 0) {
        throw ImportErrors.NO_CONNECTION({
          detail: 'Connect Coinbase or Binance (or resume a paused connection), then import.',
        });
      }
      const jobId = importJobId(
        userId,
        connections.map((c) => c.broker),
        since,
        until,
      );
      const pending = await findPendingRun(deps.db, userId, jobId);
      if (pending) return { run: pending, deduped: true };
      const run = await createRun(deps.db, { userId, jobId, kind: 'api', since, until });
      await deps.jobs.enqueue(deps.importJob(), { importId: run.id, userId }, { jobId });
      return { run, deduped: false };
    },
    async get(userId, importId) {
      const run = z.uuid().safeParse(importId).success ? await getUserRun(deps.db, userId, importId) : null;
      if (!run) throw ImportErrors.NOT_FOUND();
      return run;
    },
    list: (userId, before, limit) => listRuns(deps.db, userId, before, limit),
    async requeueUnfinished() {
      let requeued = 0;
      for (const run of await listUnfinishedRuns(deps.db)) {
        const payload = { importId: run.id, userId: run.userId };
        const { deduped } =
          run.phase === 'scoring'
            ? await deps.jobs.enqueue(deps.scoreJob(), payload, { jobId: `score-${run.id}` })
            : await deps.jobs.enqueue(deps.importJob(), payload, { jobId: run.jobId });
        if (!deduped) requeued++;
      }
      return requeued;
    },
  };
}
