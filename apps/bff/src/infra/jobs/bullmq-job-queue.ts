import { randomUUID } from 'node:crypto';
import { Queue, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { JobErrors } from './jobs.errors';
import {
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_BASE_MS,
  DEFAULT_GRACE_MS,
  QUEUE_NAMES,
  type ConcurrencyOverrides,
  type JobEvent,
  type JobQueue,
  type QueueName,
} from './jobs.port';
import {
  checkEnqueueOptions,
  concurrencyOf,
  createJobRegistry,
  maxAttemptsOf,
  parsePayload,
  retryDelayMs,
} from './jobs.policy';
import { reportOutcome, runJob, trackRun, type ClaimedJob, type RunningJob } from './job-runner';

export interface BullMqJobQueueOptions {
  redisUrl: string;
  /** Prefix of every BullMQ key; give each test its own. Default `tt:jobs`. */
  prefix?: string;
  logger: Logger;
  /** Retry n waits 2^(n-1) × this many ms. Default 500. */
  backoffBaseMs?: number;
  /** Lock on a running job, renewed at half of it; a lapsed lock marks the job stalled. Default 30000. */
  lockDurationMs?: number;
  /** How often workers move stalled jobs (their process died) back to waiting. Default 30000. */
  stalledIntervalMs?: number;
  /** Per-queue concurrency; defaults to `QUEUES`. */
  concurrency?: ConcurrencyOverrides;
}

/** What a BullMQ job carries: the payload, and a nonce telling this enqueue apart from an earlier one. */
interface StoredJob {
  payload: unknown;
  enqueueId: string;
}

const BACKOFF_TYPE = 'tt-exponential';
/**
 * Runs started count as attempts (see `JobContext.attempt`), which already bounds a job that keeps
 * stalling; BullMQ's own stall limit (default 1) is moved out of the way.
 */
const MAX_STALLED_COUNT = 1000;

/** Carries the delay the shared retry rule chose to BullMQ's backoff strategy. */
class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

/**
 * The scaled driver: BullMQ on Redis. Completed jobs are removed (so their id can be enqueued
 * again) and failed ones kept as dead letters. A job whose process died is recovered by BullMQ's
 * stalled-job check once its lock lapses.
 */
export function createBullMqJobQueue(options: BullMqJobQueueOptions): JobQueue {
  const prefix = options.prefix ?? 'tt:jobs';
  const backoffBaseMs = options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const log = options.logger.child({ component: 'jobs', driver: 'bullmq' });
  const registry = createJobRegistry();
  const listeners = new Set<(event: JobEvent) => void>();
  const running = new Set<RunningJob>();
  const workers: Worker<StoredJob>[] = [];
  let phase: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  let stopped: Promise<void> | undefined;
  let workerConnection: Redis | undefined;

  const onRedisError = (error: Error) => log.warn({ err: error }, 'redis connection error (jobs)');
  const connection = new Redis(options.redisUrl);
  connection.on('error', onRedisError);
  const queues = new Map(
    QUEUE_NAMES.map((name) => {
      const queue = new Queue<StoredJob>(name, { connection, prefix });
      queue.on('error', onRedisError);
      return [name, queue] as const;
    }),
  );
  const queueOf = (name: QueueName) => queues.get(name)!;

  /**
   * Jobs to return to waiting once the workers are closed: moved earlier, a fetch already in
   * flight in the closing worker could take them again.
   */
  const handedBack: { queue: QueueName; id: string; token: string }[] = [];

  async function returnHandedBackJobs(): Promise<void> {
    for (const { queue, id, token } of handedBack.splice(0)) {
      try {
        await (await queueOf(queue).getJob(id))?.moveToWait(token);
      } catch (error) {
        log.warn(
          { err: error, queue, jobId: id },
          'handing a job back failed; the stalled check will recover it',
        );
      }
    }
  }

  async function processJob(job: Job<StoredJob>, token?: string, lockSignal?: AbortSignal): Promise<void> {
    const claimed: ClaimedJob = {
      queue: job.queueName as QueueName,
      id: job.id ?? '',
      name: job.name,
      payload: job.data.payload,
      attempt: job.attemptsStarted,
      maxAttempts: job.opts.attempts ?? DEFAULT_ATTEMPTS,
    };
    const run = trackRun();
    const onLockLost = () => run.controller.abort(new Error('The job lock was lost'));
    lockSignal?.addEventListener('abort', onLockLost, { once: true });
    running.add(run);
    try {
      const result = await runJob(claimed, {
        definition: registry.find(claimed.queue, claimed.name),
        backoffBaseMs,
        logger: log,
        signal: run.controller.signal,
        stopping: () => phase !== 'running',
        abandoned: run.abandoned,
      });
      const { outcome } = result;
      reportOutcome(claimed, result, log, listeners);
      switch (outcome.kind) {
        case 'completed':
          return;
        case 'handback':
          // Left active (its lock no longer renewed) until the worker has closed; see handedBack.
          if (token) handedBack.push({ queue: claimed.queue, id: claimed.id, token });
          throw new WaitingError();
        case 'retry':
          throw new RetryLaterError(outcome.error, outcome.delayMs);
        case 'dead':
          throw new UnrecoverableError(outcome.error);
      }
    } finally {
      running.delete(run);
      lockSignal?.removeEventListener('abort', onLockLost);
    }
  }

  async function shutDown(graceMs: number): Promise<void> {
    phase = 'stopping';
    // close() first: it stops fetching at once, so a job handed back below is not fetched again.
    const closing = Promise.all(workers.map((worker) => worker.close()));
    for (const run of running) run.controller.abort(new Error('The job queue is shutting down'));
    const timer = setTimeout(() => {
      for (const run of running) run.abandon();
    }, graceMs);
    await closing;
    clearTimeout(timer);
    await returnHandedBackJobs();
    await Promise.all([...queues.values()].map((queue) => queue.close()));
    await Promise.all([connection.quit(), workerConnection?.quit()]);
    phase = 'stopped';
  }

  return {
    driver: 'bullmq',

    register(definition) {
      if (phase !== 'idle') {
        throw JobErrors.INVALID_DEFINITION({ detail: 'Register job handlers before start()' });
      }
      registry.add(definition);
    },

    async enqueue(definition, payload, enqueueOptions = {}) {
      if (phase === 'stopped') throw JobErrors.STOPPED();
      checkEnqueueOptions(enqueueOptions);
      const queue = queueOf(definition.queue);
      const enqueueId = randomUUID();
      const data: StoredJob = { payload: parsePayload(definition, payload), enqueueId };
      const job = await queue.add(definition.name, data, {
        jobId: enqueueOptions.jobId,
        delay: enqueueOptions.delayMs ?? 0,
        attempts: maxAttemptsOf(definition),
        backoff: { type: BACKOFF_TYPE },
        removeOnComplete: true,
        removeOnFail: false,
      });
      const jobId = job.id ?? '';
      if (enqueueOptions.jobId === undefined) return { jobId, deduped: false };
      // BullMQ answers a duplicate id with the existing job's id, so look at whose data is stored.
      // A job already gone again (completed within this round trip) can only have been ours.
      const stored = await queue.getJob(jobId);
      return { jobId, deduped: stored !== undefined && stored.data.enqueueId !== enqueueId };
    },

    async start() {
      if (phase !== 'idle') throw JobErrors.STOPPED({ detail: 'A job queue starts once' });
      phase = 'running';
      // Workers block on Redis, which needs maxRetriesPerRequest: null (BullMQ refuses otherwise).
      workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
      workerConnection.on('error', onRedisError);
      for (const queue of registry.queues()) {
        const worker = new Worker<StoredJob>(queue, processJob, {
          connection: workerConnection,
          prefix,
          concurrency: concurrencyOf(queue, options.concurrency),
          lockDuration: options.lockDurationMs ?? 30_000,
          stalledInterval: options.stalledIntervalMs ?? 30_000,
          maxStalledCount: MAX_STALLED_COUNT,
          settings: {
            backoffStrategy: (attemptsMade, _type, error) =>
              error instanceof RetryLaterError ? error.delayMs : retryDelayMs(attemptsMade, backoffBaseMs),
          },
        });
        worker.on('error', (error) => log.error({ err: error, queue }, 'job worker error'));
        workers.push(worker);
      }
      await Promise.all(workers.map((worker) => worker.waitUntilReady()));
    },

    stop(graceMs = DEFAULT_GRACE_MS) {
      if (phase === 'idle') phase = 'stopping';
      stopped ??= shutDown(graceMs);
      return stopped;
    },

    async stats(queue) {
      const counts = await queueOf(queue).getJobCounts(
        'waiting',
        'prioritized',
        'active',
        'delayed',
        'failed',
      );
      const n = (key: string) => counts[key] ?? 0;
      return {
        waiting: n('waiting') + n('prioritized'),
        active: n('active'),
        delayed: n('delayed'),
        dead: n('failed'),
      };
    },

    async deadLetters(queue, limit = 50) {
      const failed = await queueOf(queue).getFailed(0, limit - 1);
      return failed.map((job) => ({
        jobId: job.id ?? '',
        name: job.name,
        error: job.failedReason ?? '',
        attempts: job.attemptsStarted,
        payload: job.data.payload,
      }));
    },

    async ping() {
      await connection.ping();
    },

    onEvent(listener) {
      listeners.add(listener);
    },
  };
}
