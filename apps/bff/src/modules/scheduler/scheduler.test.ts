import { describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import type { JobDefinition } from '../../infra/jobs';
import type { ActiveConnection } from '../brokers';
import { weekStarting } from '../digests';
import { createScheduler, TICK_MS, type SchedulerDeps } from './scheduler';

const NOW = new Date('2026-11-09T07:02:00Z');
const MINUTE = 60_000;

function connection(userId: string, lastSyncAt: Date | null): ActiveConnection {
  return { id: `c-${userId}`, userId, broker: 'coinbase', syncState: null, lastSyncAt };
}

function harness(overrides: Partial<SchedulerDeps> = {}) {
  const queued: {
    name: string;
    payload: unknown;
    jobId?: string | undefined;
    delayMs?: number | undefined;
  }[] = [];
  const imports: string[] = [];
  const week = weekStarting('2026-11-02', 'Europe/Berlin');
  const deps: SchedulerDeps = {
    jobs: {
      async enqueue(
        definition: JobDefinition<never>,
        payload: unknown,
        options?: { jobId?: string; delayMs?: number },
      ) {
        queued.push({ name: definition.name, payload, jobId: options?.jobId, delayMs: options?.delayMs });
        return { jobId: options?.jobId ?? '', deduped: false };
      },
    },
    digests: {
      due: async () => [{ userId: 'u1', week }],
      enqueue: async (userId, w, trigger) => {
        queued.push({
          name: 'digest.weekly',
          payload: { userId, firstDay: w.firstDay, trigger },
          jobId: `digest-${userId}-${w.firstDay}`,
        });
        return { jobId: `digest-${userId}-${w.firstDay}`, deduped: false };
      },
    },
    imports: {
      async requestImport(userId) {
        if (userId === 'broken') throw new Error('connection paused meanwhile');
        imports.push(userId);
        return { run: {} as never, deduped: false };
      },
      requeueUnfinished: async () => 2,
    },
    brokers: {
      allActiveConnections: async () => [
        connection('fresh', new Date(NOW.getTime() - 5 * MINUTE)),
        connection('stale', new Date(NOW.getTime() - 16 * MINUTE)),
        connection('never', null),
        connection('broken', null),
      ],
    },
    syncIntervalMinutes: 15,
    logger: pino({ level: 'silent' }),
    now: () => NOW,
    ...overrides,
  };
  return { scheduler: createScheduler(deps), queued, imports };
}

describe('scheduler', () => {
  it('queues due digests under their deterministic ids and imports the connections not synced for an interval', async () => {
    const { scheduler, queued, imports } = harness();
    expect(await scheduler.tick(NOW)).toEqual({ digests: 1, imports: 2 });
    expect(queued).toEqual([
      {
        name: 'digest.weekly',
        payload: { userId: 'u1', firstDay: '2026-11-02', trigger: 'schedule' },
        jobId: 'digest-u1-2026-11-02',
      },
    ]);
    expect(imports).toEqual(['stale', 'never']);
  });

  it('imports nothing when the sync interval is 0', async () => {
    const { scheduler, imports } = harness({ syncIntervalMinutes: 0 });
    expect((await scheduler.tick(NOW)).imports).toBe(0);
    expect(imports).toEqual([]);
  });

  it('runs as a chain of ticks, one per five-minute slot, each queuing the next first', async () => {
    const { scheduler, queued } = harness();
    const slot = Math.floor(NOW.getTime() / TICK_MS);
    await scheduler.start();
    expect(queued).toEqual([
      { name: 'scheduler.tick', payload: { slot }, jobId: `scheduler-tick-${slot}`, delayMs: undefined },
    ]);
    queued.length = 0;
    await scheduler.tickJob.handle({
      id: `scheduler-tick-${slot}`,
      name: 'scheduler.tick',
      payload: { slot },
      attempt: 1,
      log: pino({ level: 'silent' }),
      signal: new AbortController().signal,
    });
    expect(queued[0]).toEqual({
      name: 'scheduler.tick',
      payload: { slot: slot + 1 },
      jobId: `scheduler-tick-${slot + 1}`,
      delayMs: (slot + 1) * TICK_MS - NOW.getTime(),
    });
    expect(queued.map((q) => q.name)).toEqual(['scheduler.tick', 'digest.weekly']);
  });

  it('recovers what a queue lost: the next tick of the chain (never the current one again), and the jobs of unfinished imports', async () => {
    const { scheduler, queued } = harness();
    const next = Math.floor(NOW.getTime() / TICK_MS) + 1;
    expect(await scheduler.recover()).toEqual({ imports: 2 });
    expect(queued).toEqual([
      {
        name: 'scheduler.tick',
        payload: { slot: next },
        jobId: `scheduler-tick-${next}`,
        delayMs: next * TICK_MS - NOW.getTime(),
      },
    ]);
  });

  it('once started, runs the recovery check every recoverEveryMs until stopped', async () => {
    vi.useFakeTimers();
    try {
      let checks = 0;
      const { scheduler } = harness({
        recoverEveryMs: 1000,
        imports: {
          requestImport: async () => ({ run: {} as never, deduped: false }),
          requeueUnfinished: async () => {
            checks++;
            return 0;
          },
        },
      });
      await scheduler.start();
      await vi.advanceTimersByTimeAsync(3500);
      expect(checks).toBe(3);
      scheduler.stop();
      await vi.advanceTimersByTimeAsync(5000);
      expect(checks).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
