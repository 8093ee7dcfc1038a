import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { jobs, type Database } from '@tt/db';
import type { QueueName } from './jobs.port';

/** Database time everywhere, so that several processes with skewed clocks agree on leases and delays. */
const msFromNow = (ms: number) => sql`now() + ${ms}::double precision * interval '1 millisecond'`;
const count = (condition: SQL) => sql<number>`count(*) filter (where ${condition})`.mapWith(Number);

/** Both drivers' raw results carry `rows`; these are the columns a claim returns. */
export interface ClaimedRow {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
}

/** The embedded runner's queries on the `jobs` table; nothing else touches it. */
export function createEmbeddedJobsRepository(db: Database) {
  const mine = (queue: QueueName, id: string, workerId: string) =>
    and(eq(jobs.queue, queue), eq(jobs.id, id), eq(jobs.lockedBy, workerId), eq(jobs.state, 'active'));
  const unlocked = { lockedBy: null, lockedUntil: null } as const;
  const matched = (rows: unknown[]) => rows.length > 0;

  return {
    /** False when a job with this id already exists in the queue (waiting, delayed, active or dead). */
    async insert(job: {
      queue: QueueName;
      id: string;
      name: string;
      payload: unknown;
      maxAttempts: number;
      delayMs: number;
    }): Promise<boolean> {
      const rows = await db
        .insert(jobs)
        .values({
          queue: job.queue,
          id: job.id,
          name: job.name,
          payload: job.payload,
          state: 'waiting',
          maxAttempts: job.maxAttempts,
          runAt: msFromNow(job.delayMs),
        })
        .onConflictDoNothing()
        .returning({ id: jobs.id });
      return matched(rows);
    },

    /**
     * Leases up to `limit` due jobs to `workerId`, counting the run as an attempt. Rows another
     * process is claiming are skipped, not waited for; `takeExpiredLeases` also takes over jobs
     * whose owner stopped renewing its lease (it died). The candidates are a MATERIALIZED CTE:
     * as an `IN (subquery)` the planner may rescan the LIMITed subquery per row and claim them all.
     */
    async claim(
      queue: QueueName,
      workerId: string,
      limit: number,
      leaseMs: number,
      takeExpiredLeases: boolean,
    ): Promise<ClaimedRow[]> {
      const expired = takeExpiredLeases ? sql`or (state = 'active' and locked_until < now())` : sql``;
      const result = await db.execute(sql`
        with due as materialized (
          select id from jobs
          where queue = ${queue} and ((state = 'waiting' and run_at <= now()) ${expired})
          order by run_at
          limit ${limit}
          for update skip locked
        )
        update jobs
        set state = 'active', attempts = jobs.attempts + 1, locked_by = ${workerId}, locked_until = ${msFromNow(leaseMs)}
        from due
        where jobs.queue = ${queue} and jobs.id = due.id
        returning jobs.id, jobs.name, jobs.payload, jobs.attempts, jobs.max_attempts as "maxAttempts"`);
      return (result as unknown as { rows: ClaimedRow[] }).rows;
    },

    /** Extends every lease `workerId` holds; returns the jobs it still holds. */
    renewLeases(workerId: string, leaseMs: number): Promise<{ queue: string; id: string }[]> {
      return db
        .update(jobs)
        .set({ lockedUntil: msFromNow(leaseMs) })
        .where(and(eq(jobs.lockedBy, workerId), eq(jobs.state, 'active')))
        .returning({ queue: jobs.queue, id: jobs.id });
    },

    /** Completed jobs are deleted, which frees their id. False when the lease was lost meanwhile. */
    async complete(queue: QueueName, id: string, workerId: string): Promise<boolean> {
      return matched(
        await db
          .delete(jobs)
          .where(mine(queue, id, workerId))
          .returning({ id: jobs.id }),
      );
    },

    async retryLater(queue: QueueName, id: string, workerId: string, error: string, delayMs: number) {
      const rows = await db
        .update(jobs)
        .set({ state: 'waiting', runAt: msFromNow(delayMs), lastError: error, ...unlocked })
        .where(mine(queue, id, workerId))
        .returning({ id: jobs.id });
      return matched(rows);
    },

    async bury(queue: QueueName, id: string, workerId: string, error: string): Promise<boolean> {
      const rows = await db
        .update(jobs)
        .set({ state: 'dead', lastError: error, finishedAt: sql`now()`, ...unlocked })
        .where(mine(queue, id, workerId))
        .returning({ id: jobs.id });
      return matched(rows);
    },

    async handBack(queue: QueueName, id: string, workerId: string): Promise<boolean> {
      const rows = await db
        .update(jobs)
        .set({ state: 'waiting', runAt: sql`now()`, ...unlocked })
        .where(mine(queue, id, workerId))
        .returning({ id: jobs.id });
      return matched(rows);
    },

    /** Returns every job `workerId` still holds to waiting. */
    async handBackAll(workerId: string): Promise<number> {
      const rows = await db
        .update(jobs)
        .set({ state: 'waiting', runAt: sql`now()`, ...unlocked })
        .where(and(eq(jobs.lockedBy, workerId), eq(jobs.state, 'active')))
        .returning({ id: jobs.id });
      return rows.length;
    },

    /** Returns every active job to waiting: only safe when no other process can be running them. */
    async reclaimAllActive(): Promise<number> {
      const rows = await db
        .update(jobs)
        .set({ state: 'waiting', runAt: sql`now()`, ...unlocked })
        .where(eq(jobs.state, 'active'))
        .returning({ id: jobs.id });
      return rows.length;
    },

    /** Milliseconds until the queue's next waiting job is due (<= 0: due now); null when none waits. */
    async msUntilNextDue(queue: QueueName): Promise<number | null> {
      const [row] = await db
        .select({ ms: sql<number | null>`(extract(epoch from (min(${jobs.runAt}) - now())) * 1000)::float8` })
        .from(jobs)
        .where(and(eq(jobs.queue, queue), eq(jobs.state, 'waiting')));
      return row?.ms == null ? null : Number(row.ms);
    },

    async stats(queue: QueueName) {
      const [row] = await db
        .select({
          waiting: count(sql`${jobs.state} = 'waiting' and ${jobs.runAt} <= now()`),
          delayed: count(sql`${jobs.state} = 'waiting' and ${jobs.runAt} > now()`),
          active: count(sql`${jobs.state} = 'active'`),
          dead: count(sql`${jobs.state} = 'dead'`),
        })
        .from(jobs)
        .where(eq(jobs.queue, queue));
      return row ?? { waiting: 0, delayed: 0, active: 0, dead: 0 };
    },

    deadLetters(queue: QueueName, limit: number) {
      return db
        .select({
          jobId: jobs.id,
          name: jobs.name,
          error: jobs.lastError,
          attempts: jobs.attempts,
          payload: jobs.payload,
        })
        .from(jobs)
        .where(and(eq(jobs.queue, queue), eq(jobs.state, 'dead')))
        .orderBy(desc(jobs.finishedAt))
        .limit(limit);
    },

    async ping(): Promise<void> {
      await db.execute(sql`select 1`);
    },
  };
}

export type EmbeddedJobsRepository = ReturnType<typeof createEmbeddedJobsRepository>;
