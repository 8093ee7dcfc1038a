import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Database } from '@tt/db';
import { JobErrors } from './jobs.errors';
import {
  DEFAULT_BACKOFF_BASE_MS,
  DEFAULT_GRACE_MS,
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
} from './jobs.policy';
import {
  reportOutcome,
  runJob,
  trackRun,
  type ClaimedJob,
  type RunOutcome,
  type RunningJob,
} from './job-runner';
import { createEmbeddedJobsRepository, type ClaimedRow } from './embedded-jobs.repository';

export interface EmbeddedJobQueueOptions {
  db: Database;
  /**
   * `pglite`: one process owns the data directory, so `start()` reclaims every job left active by
   * the previous run at once. `postgres`: several processes may share the table, so only jobs
   * whose lease expired (their owner died) are taken over.
   */
  driver: 'pglite' | 'postgres';
  logger: Logger;
  /** Retry n waits 2^(n-1) × this many ms. Default 500. */
  backoffBaseMs?: number;
  /** Shortest wait between polls; an idle queue backs off from here to `maxPollMs`. Default 250. */
  pollMs?: number;
  /** Longest wait between polls of an idle queue (jobs enqueued by other processes). Default 2000. */
  maxPollMs?: number;
  /** Lease on a running job, renewed every third of it while the handler runs. Default 30000. */
  leaseMs?: number;
  /** Per-queue concurrency; defaults to `QUEUES`. */
  concurrency?: ConcurrencyOverrides;
}

interface QueueRunner {
  queue: QueueName;
  limit: number;
  active: number;
  wake(): void;
  /** Resolves after `ms`, or earlier on `wake()`; true when woken. */
  sleep(ms: number): Promise<boolean>;
}

function createQueueRunner(queue: QueueName, limit: number): QueueRunner {
  let woken = false;
  let resolveSleep: ((woken: boolean) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  return {
    queue,
    limit,
    active: 0,
    wake() {
      if (!resolveSleep) {
        woken = true;
        return;
      }
      clearTimeout(timer);
      const resolve = resolveSleep;
      resolveSleep = undefined;
      resolve(true);
    },
    sleep(ms) {
      if (woken) {
        woken = false;
        return Promise.resolve(true);
      }
      return new Promise((resolve) => {
        resolveSleep = resolve;
        timer = setTimeout(() => {
          resolveSleep = undefined;
          resolve(false);
        }, ms);
      });
    },
  };
}

interface Execution {
  job: ClaimedJob;
  run: RunningJob;
  done: Promise<void>;
}

/**
 * The in-process runner of embedded mode: jobs are rows of the `jobs` table (so they survive a
 * restart), claimed with `FOR UPDATE SKIP LOCKED` under a lease that a heartbeat renews while the
 * handler runs. Works on PGlite and on PostgreSQL.
 */
export function createEmbeddedJobQueue(options: EmbeddedJobQueueOptions): JobQueue {
  const repository = createEmbeddedJobsRepository(options.db);
  const backoffBaseMs = options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const pollMs = options.pollMs ?? 250;
  const maxPollMs = Math.max(pollMs, options.maxPollMs ?? 2000);
  const leaseMs = options.leaseMs ?? 30_000;
  const takeExpiredLeases = options.driver === 'postgres';
  const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const log = options.logger.child({ component: 'jobs', driver: 'embedded', workerId });
  const registry = createJobRegistry();
  const listeners = new Set<(event: JobEvent) => void>();
  const runners = new Map<QueueName, QueueRunner>();
  const executions = new Set<Execution>();
  const loops: Promise<void>[] = [];
  let phase: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  let heartbeat: NodeJS.Timeout | undefined;
  let stopped: Promise<void> | undefined;

  async function record(job: ClaimedJob, outcome: RunOutcome): Promise<boolean> {
    switch (outcome.kind) {
      case 'completed':
        return repository.complete(job.queue, job.id, workerId);
      case 'retry':
        return repository.retryLater(job.queue, job.id, workerId, outcome.error, outcome.delayMs);
      case 'dead':
        return repository.bury(job.queue, job.id, workerId, outcome.error);
      case 'handback':
        return repository.handBack(job.queue, job.id, workerId);
    }
  }

  async function execute(job: ClaimedJob, run: RunningJob): Promise<void> {
    const result = await runJob(job, {
      definition: registry.find(job.queue, job.name),
      backoffBaseMs,
      logger: log,
      signal: run.controller.signal,
      stopping: () => phase !== 'running',
      abandoned: run.abandoned,
    });
    try {
      if (await record(job, result.outcome)) reportOutcome(job, result, log, listeners);
      else
        log.warn(
          { queue: job.queue, jobId: job.id },
          'job lease was lost before it finished; outcome dropped',
        );
    } catch (error) {
      log.error(
        { err: error, queue: job.queue, jobId: job.id },
        'recording a job outcome failed; lease will expire',
      );
    }
  }

  function launch(runner: QueueRunner, row: ClaimedRow): void {
    const job: ClaimedJob = {
      queue: runner.queue,
      id: row.id,
      name: row.name,
      payload: row.payload,
      attempt: row.attempts,
      maxAttempts: row.maxAttempts,
    };
    const run = trackRun();
    runner.active += 1;
    const execution: Execution = {
      job,
      run,
      done: execute(job, run).finally(() => {
        executions.delete(execution);
        runner.active -= 1;
        runner.wake();
      }),
    };
    executions.add(execution);
  }

  async function claimLoop(runner: QueueRunner): Promise<void> {
    let idleMs = pollMs;
    while (phase === 'running') {
      const free = runner.limit - runner.active;
      let claimed = 0;
      if (free > 0) {
        try {
          const rows = await repository.claim(runner.queue, workerId, free, leaseMs, takeExpiredLeases);
          claimed = rows.length;
          for (const row of rows) launch(runner, row);
        } catch (error) {
          log.error({ err: error, queue: runner.queue }, 'claiming jobs failed');
        }
      }
      if (phase !== 'running') return;
      if (runner.active >= runner.limit) {
        await runner.sleep(maxPollMs); // a finishing job wakes the loop
        continue;
      }
      if (claimed > 0) {
        idleMs = pollMs;
        continue;
      }
      // Sleep until the next delayed job is due, but no longer than the idle poll interval: other
      // processes may enqueue without waking us.
      const dueInMs = await repository.msUntilNextDue(runner.queue).catch(() => null);
      const sleepMs = dueInMs !== null && dueInMs > 0 ? Math.min(Math.ceil(dueInMs), idleMs) : idleMs;
      idleMs = Math.min(idleMs * 2, maxPollMs);
      if (await runner.sleep(sleepMs)) idleMs = pollMs;
    }
  }

  let renewing = false;
  async function renewLeases(): Promise<void> {
    if (renewing || executions.size === 0) return;
    renewing = true;
    try {
      const held = new Set(
        (await repository.renewLeases(workerId, leaseMs)).map((r) => `${r.queue}/${r.id}`),
      );
      for (const { job, run } of executions) {
        if (!held.has(`${job.queue}/${job.id}`)) run.controller.abort(new Error('The job lease was lost'));
      }
    } catch (error) {
      log.warn({ err: error }, 'renewing job leases failed');
    } finally {
      renewing = false;
    }
  }

  async function shutDown(graceMs: number): Promise<void> {
    phase = 'stopping';
    for (const runner of runners.values()) runner.wake();
    for (const { run } of executions) run.controller.abort(new Error('The job queue is shutting down'));
    await Promise.all(loops);
    const pending = [...executions];
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all(pending.map((e) => e.done)), graceOver]);
    clearTimeout(timer);
    for (const { run } of pending) run.abandon();
    await Promise.all(pending.map((e) => e.done));
    clearInterval(heartbeat);
    const leftover = await repository.handBackAll(workerId).catch((error: unknown) => {
      log.error({ err: error }, 'handing back jobs on shutdown failed; their leases will expire');
      return 0;
    });
    if (leftover > 0) log.warn({ count: leftover }, 'handed back jobs still held on shutdown');
    phase = 'stopped';
  }

  return {
    driver: 'embedded',

    register(definition) {
      if (phase !== 'idle') {
        throw JobErrors.INVALID_DEFINITION({ detail: 'Register job handlers before start()' });
      }
      registry.add(definition);
    },

    async enqueue(definition, payload, enqueueOptions = {}) {
      if (phase === 'stopped') throw JobErrors.STOPPED();
      checkEnqueueOptions(enqueueOptions);
      const jobId = enqueueOptions.jobId ?? randomUUID();
      const inserted = await repository.insert({
        queue: definition.queue,
        id: jobId,
        name: definition.name,
        payload: parsePayload(definition, payload),
        maxAttempts: maxAttemptsOf(definition),
        delayMs: enqueueOptions.delayMs ?? 0,
      });
      if (inserted) runners.get(definition.queue)?.wake();
      return { jobId, deduped: !inserted };
    },

    async start() {
      if (phase !== 'idle') throw JobErrors.STOPPED({ detail: 'A job queue starts once' });
      phase = 'running';
      if (options.driver === 'pglite') {
        const reclaimed = await repository.reclaimAllActive();
        if (reclaimed > 0) log.info({ count: reclaimed }, 'reclaimed jobs left active by the previous run');
      }
      for (const queue of registry.queues()) {
        const runner = createQueueRunner(queue, concurrencyOf(queue, options.concurrency));
        runners.set(queue, runner);
        loops.push(claimLoop(runner));
      }
      heartbeat = setInterval(() => void renewLeases(), Math.max(10, Math.floor(leaseMs / 3)));
    },

    stop(graceMs = DEFAULT_GRACE_MS) {
      if (phase === 'idle') phase = 'stopped';
      stopped ??= phase === 'stopped' ? Promise.resolve() : shutDown(graceMs);
      return stopped;
    },

    stats: (queue) => repository.stats(queue),

    async deadLetters(queue, limit = 50) {
      const rows = await repository.deadLetters(queue, limit);
      return rows.map((row) => ({ ...row, error: row.error ?? '' }));
    },

    ping: () => repository.ping(),

    onEvent(listener) {
      listeners.add(listener);
    },
  };
}
