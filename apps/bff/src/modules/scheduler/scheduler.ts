import { z } from 'zod';
import type { Logger } from '../../logger';
import type { JobDefinition, JobQueue } from '../../infra/jobs';
import type { BrokerConnectionsService } from '../brokers';
import type { DigestsService } from '../digests';
import type { ImportsService } from '../imports';

/** How often the scheduler looks for due digests and imports. */
export const TICK_MS = 5 * 60_000;

const TickPayloadSchema = z.object({ slot: z.number().int().nonnegative() });
type TickPayload = z.infer<typeof TickPayloadSchema>;

export interface SchedulerDeps {
  jobs: Pick<JobQueue, 'enqueue'>;
  digests: Pick<DigestsService, 'due' | 'enqueue'>;
  imports: Pick<ImportsService, 'requestImport' | 'requeueUnfinished'>;
  brokers: Pick<BrokerConnectionsService, 'allActiveConnections'>;
  /** Minutes between periodic imports of a connection; 0 switches them off. */
  syncIntervalMinutes: number;
  /**
   * How often a started scheduler checks that its tick and every unfinished import are still on
   * the queue, and puts back what a queue lost (a Redis restarted without its data). Default
   * {@link TICK_MS}; 0 switches the check off.
   */
  recoverEveryMs?: number;
  logger: Logger;
  now?: () => Date;
}

export interface TickOutcome {
  digests: number;
  imports: number;
}

export interface Scheduler {
  /** The repeating tick as a job: each run queues the next one, one slot later. */
  readonly tickJob: JobDefinition<TickPayload>;
  /**
   * Worker roles call this at start: queues the current slot's tick (a no-op when one is queued)
   * and keeps {@link Scheduler.recover} running every `recoverEveryMs` until `stop()`.
   */
  start(): Promise<void>;
  /** Queues the next tick of the chain and the job of every unfinished import; idempotent by job id. */
  recover(): Promise<{ imports: number }>;
  stop(): void;
  /** Queues every due weekly digest and every due periodic import. */
  tick(at: Date): Promise<TickOutcome>;
}

const slotOf = (at: Date) => Math.floor(at.getTime() / TICK_MS);
const tickId = (slot: number) => `scheduler-tick-${slot}`;

/**
 * The scheduler of the worker role. Its tick is a chain of delayed jobs with deterministic ids
 * (`scheduler-tick-<slot>`), and everything it queues has a deterministic id too
 * (`digest-<userId>-<monday>`, the import's window hash), so any number of workers may run it:
 * duplicates collapse in the queue, and a worker that was down catches up on its next tick.
 */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'scheduler' });

  async function dueImports(at: Date): Promise<number> {
    if (deps.syncIntervalMinutes <= 0) return 0;
    const stale = at.getTime() - deps.syncIntervalMinutes * 60_000;
    const users = new Set<string>();
    for (const c of await deps.brokers.allActiveConnections()) {
      if (!c.lastSyncAt || c.lastSyncAt.getTime() <= stale) users.add(c.userId);
    }
    let queued = 0;
    for (const userId of users) {
      try {
        const { deduped } = await deps.imports.requestImport(userId, {});
        if (!deduped) queued++;
      } catch (err) {
        // One user's connection problem (paused meanwhile, window refused) must not stop the others.
        log.warn({ userId, err: { message: (err as Error).message } }, 'periodic import not queued');
      }
    }
    return queued;
  }

  async function dueDigests(at: Date): Promise<number> {
    let queued = 0;
    for (const { userId, week } of await deps.digests.due(at)) {
      const { deduped } = await deps.digests.enqueue(userId, week, 'schedule');
      if (!deduped) queued++;
    }
    return queued;
  }

  const recoverEveryMs = deps.recoverEveryMs ?? TICK_MS;
  let recovery: NodeJS.Timeout | undefined;
  const queueCurrentTick = async () => {
    const slot = slotOf(now());
    await deps.jobs.enqueue(scheduler.tickJob, { slot }, { jobId: tickId(slot) });
  };
  // The next slot's tick, which an intact chain already holds (so this adds nothing); the current
  // slot's may have run and been removed, and queueing it again would run it twice.
  const queueNextTick = async () => {
    const at = now();
    const next = slotOf(at) + 1;
    await deps.jobs.enqueue(
      scheduler.tickJob,
      { slot: next },
      { jobId: tickId(next), delayMs: Math.max(0, next * TICK_MS - at.getTime()) },
    );
  };

  const scheduler: Scheduler = {
    tickJob: {
      queue: 'q_digest',
      name: 'scheduler.tick',
      payload: TickPayloadSchema,
      async handle(job) {
        const at = now();
        // The next tick first, so that a failing tick does not end the chain.
        const next = job.payload.slot + 1;
        await deps.jobs.enqueue(
          scheduler.tickJob,
          { slot: next },
          { jobId: tickId(next), delayMs: Math.max(0, next * TICK_MS - at.getTime()) },
        );
        const outcome = await scheduler.tick(at);
        if (outcome.digests + outcome.imports > 0) job.log.info(outcome, 'scheduled work queued');
      },
    },
    async start() {
      await queueCurrentTick();
      if (recoverEveryMs > 0 && !recovery) {
        recovery = setInterval(() => {
          scheduler
            .recover()
            .then(({ imports }) => {
              if (imports > 0)
                log.warn({ imports }, 'unfinished imports the queue had lost were queued again');
            })
            .catch((err: unknown) =>
              log.warn({ err: { message: (err as Error).message } }, 'recovery check failed'),
            );
        }, recoverEveryMs);
        recovery.unref();
      }
    },
    async recover() {
      await queueNextTick();
      return { imports: await deps.imports.requeueUnfinished() };
    },
    stop() {
      clearInterval(recovery);
      recovery = undefined;
    },
    async tick(at) {
      return { digests: await dueDigests(at), imports: await dueImports(at) };
    },
  };
  return scheduler;
}
