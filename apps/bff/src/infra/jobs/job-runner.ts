import type { Logger } from 'pino';
import type { JobDefinition, JobEvent, QueueName } from './jobs.port';
import {
  INTERRUPTED_ON_LAST_ATTEMPT,
  decideFailure,
  errorMessage,
  parsePayload,
  type FailureOutcome,
} from './jobs.policy';

/** `handback`: the process is stopping and the job did not finish; it goes back to waiting. */
export type RunOutcome = { kind: 'completed' } | FailureOutcome | { kind: 'handback' };

export interface ClaimedJob {
  queue: QueueName;
  id: string;
  name: string;
  payload: unknown;
  /** 1-based, counting this run. */
  attempt: number;
  /** As stored with the job, so a later change to the definition does not rewrite old jobs. */
  maxAttempts: number;
}

export interface RunJobOptions {
  definition: JobDefinition<unknown> | undefined;
  backoffBaseMs: number;
  logger: Logger;
  /** The handler's signal; the driver aborts it on shutdown or when the job is lost to another process. */
  signal: AbortSignal;
  /** True once the queue is stopping: a handler that throws then is handed back, not failed. */
  stopping: () => boolean;
  /** Settles when the stop grace period is over: a handler still running is handed back. */
  abandoned: Promise<void>;
}

/** A job being run, as a driver tracks it so that `stop()` can abort and abandon it. */
export interface RunningJob {
  controller: AbortController;
  abandon: () => void;
  abandoned: Promise<void>;
}

export function trackRun(): RunningJob {
  let abandon = () => {};
  const abandoned = new Promise<void>((resolve) => {
    abandon = resolve;
  });
  return { controller: new AbortController(), abandon, abandoned };
}

/** Runs one claimed job through its handler and says what the driver must record; never throws. */
export async function runJob(
  job: ClaimedJob,
  options: RunJobOptions,
): Promise<{ outcome: RunOutcome; durationMs: number }> {
  const started = performance.now();
  const done = (outcome: RunOutcome) => ({ outcome, durationMs: performance.now() - started });
  const { definition } = options;
  if (job.attempt > job.maxAttempts) return done({ kind: 'dead', error: INTERRUPTED_ON_LAST_ATTEMPT });
  if (options.stopping()) return done({ kind: 'handback' });
  if (!definition) {
    const error = new Error(`No handler is registered for job ${job.queue}/${job.name}`);
    return done(decideFailure(error, job.attempt, job.maxAttempts, options.backoffBaseMs));
  }
  let payload: unknown;
  try {
    payload = parsePayload(definition, job.payload);
  } catch (error) {
    return done({ kind: 'dead', error: errorMessage(error) });
  }
  const log = options.logger.child({ queue: job.queue, job: job.name, jobId: job.id, attempt: job.attempt });
  const context = { id: job.id, name: job.name, payload, attempt: job.attempt, log, signal: options.signal };
  const handled = Promise.resolve()
    .then(() => definition.handle(context))
    .then(
      (): RunOutcome => ({ kind: 'completed' }),
      (error: unknown): RunOutcome =>
        options.stopping()
          ? { kind: 'handback' }
          : decideFailure(error, job.attempt, job.maxAttempts, options.backoffBaseMs),
    );
  const abandoned = options.abandoned.then((): RunOutcome => ({ kind: 'handback' }));
  return done(await Promise.race([handled, abandoned]));
}

/** Logs the outcome of a run and turns it into the events listeners receive. */
export function reportOutcome(
  job: ClaimedJob,
  result: { outcome: RunOutcome; durationMs: number },
  logger: Logger,
  listeners: Iterable<(event: JobEvent) => void>,
): void {
  const { outcome, durationMs } = result;
  const base = { queue: job.queue, name: job.name, jobId: job.id, attempt: job.attempt, durationMs };
  const log = logger.child({ queue: job.queue, job: job.name, jobId: job.id, attempt: job.attempt });
  const events: JobEvent[] = [];
  switch (outcome.kind) {
    case 'completed':
      log.debug({ durationMs }, 'job completed');
      events.push({ type: 'completed', ...base });
      break;
    case 'retry':
      log.warn({ error: outcome.error, retryInMs: outcome.delayMs }, 'job failed; it will be retried');
      events.push({ type: 'failed', ...base, error: outcome.error });
      events.push({ type: 'retried', ...base, error: outcome.error, retryInMs: outcome.delayMs });
      break;
    case 'dead':
      log.error({ error: outcome.error }, 'job failed for good; moved to dead letters');
      events.push({ type: 'failed', ...base, error: outcome.error });
      events.push({ type: 'dead', ...base, error: outcome.error });
      break;
    case 'handback':
      log.info('job handed back on shutdown; it will run again');
      break;
  }
  for (const event of events) {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.error({ err: error }, 'job event listener threw');
      }
    }
  }
}
