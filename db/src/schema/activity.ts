import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, tstz } from './columns';
import { users } from './users';

export const importRuns = pgTable(
  'import_runs',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    jobId: text('job_id').notNull(),
    kind: text('kind').notNull().default('api'),
    status: text('status').notNull(),
    phase: text('phase').notNull(),
    fetched: integer('fetched').notNull().default(0),
    inserted: integer('inserted').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    scored: integer('scored').notNull().default(0),
    error: text('error'),
    since: tstz('since').notNull(),
    until: tstz('until').notNull(),
    createdAt: createdAt(),
    startedAt: tstz('started_at'),
    finishedAt: tstz('finished_at'),
  },
  (t) => [
    index('import_runs_user_created_idx').on(t.userId, t.createdAt),
    index('import_runs_job_idx').on(t.jobId),
  ],
);

/** Per-user event log for the live coach; ids increase per user so a client can resume. */
export const coachEvents = pgTable(
  'coach_events',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    id: bigint('id', { mode: 'number' }).notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.id] })],
);

export const digests = pgTable(
  'digests',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    periodStart: tstz('period_start').notNull(),
    periodEnd: tstz('period_end').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: createdAt(),
    deliveredAt: tstz('delivered_at'),
  },
  (t) => [uniqueIndex('digests_user_period_uq').on(t.userId, t.periodStart)],
);

export const simulations = pgTable(
  'simulations',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    cacheKey: text('cache_key').notNull(),
    request: jsonb('request').notNull(),
    /** queued | running (in q_sim) | done | failed */
    status: text('status').notNull().default('done'),
    /** The SimulationResult once done. */
    result: jsonb('result'),
    /** The problem (code, status, detail, errors) a failed run answers with. */
    error: jsonb('error'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('simulations_user_key_uq').on(t.userId, t.cacheKey)],
);

/**
 * The embedded job runner's queue: jobs survive a restart because they live in the database.
 * Ids are unique per queue (as in BullMQ); completed jobs are deleted so their id can be reused.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: text('id').notNull(),
    queue: text('queue').notNull(),
    name: text('name').notNull(),
    payload: jsonb('payload').notNull(),
    /** waiting (delayed when run_at is in the future) | active | dead */
    state: text('state').notNull(),
    /** Runs started so far, including runs cut short by a crash or a shutdown. */
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    runAt: tstz('run_at').notNull().defaultNow(),
    lockedBy: text('locked_by'),
    lockedUntil: tstz('locked_until'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [
    primaryKey({ columns: [t.queue, t.id] }),
    index('jobs_queue_state_run_idx').on(t.queue, t.state, t.runAt),
  ],
);
