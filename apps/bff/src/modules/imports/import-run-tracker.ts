import { AppError } from '@tt/shared';
import type { Database, Executor } from '@tt/db';
import { DEFAULT_ATTEMPTS, PermanentJobError } from '../../infra/jobs';
import type { CoachEventsService } from '../coach-events';
import type { PipelineMetrics } from '../../observability/metrics';
import { addCounts, getRun, updateRun, type ImportRun } from './import-runs.repository';
import { toProgress } from './import-progress';

/**
 * How the stages of an import (q_import, then q_score) report on their run: progress events, the
 * scored count, the end. The imports module owns the runs; scoring touches them only through this.
 */
export interface ImportRunTracker {
  find(importId: string): Promise<ImportRun | null>;
  /** Scoring starts over (a retry re-scores every target): its counter does too. */
  restartScoring(importId: string): Promise<void>;
  /** Counts scored trades in the caller's transaction, the one that stores their tags. */
  addScored(tx: Executor, importId: string, count: number): Promise<ImportRun>;
  /** Tells the trader how far the run got (after the commit); `toScore` once scoring knows it. */
  report(run: ImportRun, toScore?: number | null): Promise<void>;
  succeed(importId: string, toScore: number): Promise<void>;
  /**
   * What a failed import or scoring run throws back to the queue: the error itself while retries
   * remain, else a permanent failure, after the run is marked failed with a message a trader can read.
   */
  failOnLastAttempt(
    job: { attempt: number; payload: { userId: string; importId?: string | undefined } },
    error: unknown,
  ): Promise<unknown>;
}

/** A broker's "no" (revoked grant, missing permission) will not change on retry; 408/429/5xx might. */
function isPermanent(error: unknown): boolean {
  if (error instanceof PermanentJobError) return true;
  return (
    error instanceof AppError &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 408 &&
    error.status !== 429
  );
}

export function createImportRunTracker(deps: {
  db: Database;
  events: CoachEventsService;
  /** Imports that end, by outcome (Prometheus series). */
  metrics?: PipelineMetrics | undefined;
}): ImportRunTracker {
  const report = async (run: ImportRun, toScore: number | null = null) => {
    await deps.events.raise(run.userId, 'import.progress', toProgress(run, toScore));
  };
  return {
    report,
    find: (importId) => getRun(deps.db, importId),
    async restartScoring(importId) {
      await updateRun(deps.db, importId, { scored: 0 });
    },
    addScored: (tx, importId, count) => addCounts(tx, importId, { scored: count }),
    async succeed(importId, toScore) {
      const done = await updateRun(deps.db, importId, {
        status: 'succeeded',
        phase: 'done',
        finishedAt: new Date(),
      });
      deps.metrics?.importCompleted('succeeded');
      await report(done, toScore);
    },
    async failOnLastAttempt(job, error) {
      if (!isPermanent(error) && job.attempt < DEFAULT_ATTEMPTS) return error;
      const message =
        error instanceof AppError ? (error.detail ?? error.title) : 'The import failed; try again later.';
      if (job.payload.importId) {
        const failed = await updateRun(deps.db, job.payload.importId, {
          status: 'failed',
          phase: 'failed',
          error: message,
          finishedAt: new Date(),
        });
        deps.metrics?.importCompleted('failed');
        await report(failed);
      }
      return error instanceof PermanentJobError ? error : new PermanentJobError(message, { cause: error });
    },
  };
}
