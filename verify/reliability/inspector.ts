import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '@tt/db';
import { createLogger } from '../../apps/bff/src/logger';
import { QUEUE_NAMES, type DeadLetter, type JobQueue, type QueueName } from '../../apps/bff/src/infra/jobs';
import { createBullMqJobQueue } from '../../apps/bff/src/infra/jobs/bullmq-job-queue';
import { REDIS_URL } from '../lib/services';

export interface QueueState {
  queue: QueueName;
  waiting: number;
  active: number;
  delayed: number;
  dead: number;
}

export interface TradeCounts {
  total: number;
  distinctFills: number;
  untagged: number;
}

/** Looks at the stores directly (not through the API under test) for the invariants of a run. */
export interface Inspector {
  trades(userId: string): Promise<TradeCounts>;
  /** The user's import runs still `queued` or `running`. */
  unfinishedRuns(userId: string): Promise<{ id: string; status: string; phase: string }[]>;
  queues(): Promise<QueueState[]>;
  deadLetters(): Promise<(DeadLetter & { queue: QueueName })[]>;
  close(): Promise<void>;
}

const TRADES_SQL = (userId: string) => sql`
  select count(*)::int as total,
         count(distinct (broker, ext_id))::int as "distinctFills",
         count(*) filter (where not exists (select 1 from bias_tags b where b.trade_id = t.id))::int as untagged
  from trades t where t.user_id = ${userId}`;
const UNFINISHED_SQL = (userId: string) =>
  sql`select id, status, phase from import_runs where user_id = ${userId} and status in ('queued', 'running')`;

/**
 * Work that is waiting or running, or delayed for a retry, counts as not finished. One delayed
 * job in q_digest is the scheduler's next tick, which is always there by design.
 */
export function unfinishedWork(states: QueueState[]): number {
  return states.reduce(
    (n, s) => n + s.waiting + s.active + (s.queue === 'q_digest' ? Math.max(0, s.delayed - 1) : s.delayed),
    0,
  );
}

async function rows<T>(db: DatabaseHandle['db'], query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** Scaled mode: the run's PostgreSQL database and its BullMQ queues, while the processes run. */
export async function createInspector(options: {
  databaseUrl: string;
  redisPrefix: string | undefined;
}): Promise<Inspector> {
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  pool.on('error', () => undefined);
  const db = drizzle(pool) as unknown as DatabaseHandle['db'];
  const queue: JobQueue = createBullMqJobQueue({
    redisUrl: REDIS_URL,
    prefix: `${options.redisPrefix}:jobs`,
    logger: createLogger('silent'),
  });
  return {
    trades: async (userId) => (await rows<TradeCounts>(db, TRADES_SQL(userId)))[0]!,
    unfinishedRuns: (userId) => rows(db, UNFINISHED_SQL(userId)),
    queues: () =>
      Promise.all(QUEUE_NAMES.map(async (name) => ({ queue: name, ...(await queue.stats(name)) }))),
    async deadLetters() {
      const lists = await Promise.all(
        QUEUE_NAMES.map(async (name) =>
          (await queue.deadLetters(name, 200)).map((d) => ({ ...d, queue: name })),
        ),
      );
      return lists.flat();
    },
    async close() {
      await queue.stop(0).catch(() => undefined);
      await pool.end();
    },
  };
}

/** Embedded mode: the process's PGlite data directory, opened once the process has stopped. */
export async function inspectEmbeddedDataDir(dataDir: string): Promise<Inspector> {
  const handle = await openDatabase({ driver: 'pglite', dataDir });
  const { db } = handle;
  const jobRows = () =>
    rows<{
      queue: QueueName;
      state: string;
      delayed: boolean;
      id: string;
      name: string;
      attempts: number;
      last_error: string | null;
      payload: unknown;
    }>(
      db,
      sql`select queue, state, run_at > now() as delayed, id, name, attempts, last_error, payload from jobs`,
    );
  return {
    trades: async (userId) => (await rows<TradeCounts>(db, TRADES_SQL(userId)))[0]!,
    unfinishedRuns: (userId) => rows(db, UNFINISHED_SQL(userId)),
    async queues() {
      const all = await jobRows();
      return QUEUE_NAMES.map((name) => {
        const mine = all.filter((j) => j.queue === name);
        return {
          queue: name,
          waiting: mine.filter((j) => j.state === 'waiting' && !j.delayed).length,
          active: mine.filter((j) => j.state === 'active').length,
          delayed: mine.filter((j) => j.state === 'waiting' && j.delayed).length,
          dead: mine.filter((j) => j.state === 'dead').length,
        };
      });
    },
    async deadLetters() {
      return (await jobRows())
        .filter((j) => j.state === 'dead')
        .map((j) => ({
          queue: j.queue,
          jobId: j.id,
          name: j.name,
          error: j.last_error ?? '',
          attempts: j.attempts,
          payload: j.payload,
        }));
    },
    close: () => handle.close(),
  };
}
