import type { Logger } from 'pino';
import type { z } from 'zod';

/** The named queues and how many jobs of each one process runs at once (the blueprint's figures). */
export const QUEUES = {
  q_import: { concurrency: 2 },
  q_score: { concurrency: 8 },
  q_sim: { concurrency: 4 },
  q_digest: { concurrency: 2 },
} as const;
export type QueueName = keyof typeof QUEUES;
export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];

/** Per-queue concurrency overrides (tests and benchmarks); unset queues keep {@link QUEUES}. */
export type ConcurrencyOverrides = Partial<Record<QueueName, number>>;

export const DEFAULT_ATTEMPTS = 5;
/** Retry n waits 2^(n-1) × this: 500, 1000, 2000, 4000 ms. */
export const DEFAULT_BACKOFF_BASE_MS = 500;
export const DEFAULT_GRACE_MS = 10_000;

/** One kind of job: its queue, name, payload schema, retry policy and idempotent handler. */
export interface JobDefinition<P> {
  queue: QueueName;
  /** Unique within its queue; stored with every job so a worker finds the handler. */
  name: string;
  /** Checked on enqueue (invalid → throws) and again before handling (invalid → dead letter). */
  payload: z.ZodType<P>;
  /** Runs started before the job becomes a dead letter. Default {@link DEFAULT_ATTEMPTS}. */
  attempts?: number;
  /**
   * Must be idempotent: a job may run again after a crash, a lost lease or a shutdown that did not
   * wait for it. Throw {@link PermanentJobError} when retrying cannot help.
   */
  handle(job: JobContext<P>): Promise<void>;
}

export interface JobContext<P> {
  id: string;
  name: string;
  payload: P;
  /**
   * 1-based count of runs started for this job, including runs cut short by a crash or a
   * shutdown; so a job that keeps killing its process still ends as a dead letter.
   */
  attempt: number;
  log: Logger;
  /** Aborted when the process shuts down (or the job's lease is lost): stop early and throw. */
  signal: AbortSignal;
}

/** Retrying cannot help (bad input, a revoked grant): the job becomes a dead letter at once. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

export interface EnqueueOptions {
  /**
   * Deterministic id for idempotent enqueues (unique per queue; no `:`, not an integer). While a
   * job with this id is waiting, delayed, active or dead, enqueuing it again adds nothing and
   * answers `deduped: true`. Completed jobs are removed, so their id can be enqueued afresh.
   */
  jobId?: string;
  /** Run no sooner than this many milliseconds from now. */
  delayMs?: number;
}

export interface EnqueueResult {
  jobId: string;
  deduped: boolean;
}

export interface QueueStats {
  waiting: number;
  active: number;
  delayed: number;
  dead: number;
}

export interface DeadLetter {
  jobId: string;
  name: string;
  /** Message of the last error. */
  error: string;
  /** Runs started (see {@link JobContext.attempt}). */
  attempts: number;
  payload: unknown;
}

/**
 * What happened to one run: every failed run emits `failed`, then `retried` (runs again after
 * `retryInMs`) or `dead`. A run handed back on shutdown emits nothing.
 */
export interface JobEvent {
  type: 'completed' | 'failed' | 'retried' | 'dead';
  queue: QueueName;
  name: string;
  jobId: string;
  attempt: number;
  durationMs: number;
  error?: string;
  retryInMs?: number;
}

export interface JobQueue {
  readonly driver: 'embedded' | 'bullmq';
  /** Declares a handler; before `start()`. */
  register<P>(definition: JobDefinition<P>): void;
  /** Validates and stores a job; works without `start()` (the bff role only enqueues). */
  enqueue<P>(definition: JobDefinition<P>, payload: P, options?: EnqueueOptions): Promise<EnqueueResult>;
  /** Begins processing the queues that have registered handlers (the worker role). */
  start(): Promise<void>;
  /**
   * Stops claiming, aborts every running job's `signal`, waits up to `graceMs` (default 10 s) for
   * running handlers, hands back the ones still running (they run again later), then releases
   * the connections this queue opened. A stopped queue cannot be started again.
   */
  stop(graceMs?: number): Promise<void>;
  stats(queue: QueueName): Promise<QueueStats>;
  /** Newest first; default limit 50. */
  deadLetters(queue: QueueName, limit?: number): Promise<DeadLetter[]>;
  /** Throws when the store is unreachable (for `/readyz`). */
  ping(): Promise<void>;
  onEvent(listener: (event: JobEvent) => void): void;
}
