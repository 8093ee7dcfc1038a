import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { importRuns, type Executor } from '@tt/db';

export type ImportRun = typeof importRuns.$inferSelect;

export async function createRun(
  db: Executor,
  values: { userId: string; jobId: string; kind: 'api' | 'csv'; since: Date; until: Date },
): Promise<ImportRun> {
  const [row] = await db
    .insert(importRuns)
    .values({ ...values, status: 'queued', phase: 'queued' })
    .returning();
  return row!;
}

export async function findPendingRun(db: Executor, userId: string, jobId: string): Promise<ImportRun | null> {
  const [row] = await db
    .select()
    .from(importRuns)
    .where(
      and(
        eq(importRuns.userId, userId),
        eq(importRuns.jobId, jobId),
        inArray(importRuns.status, ['queued', 'running']),
      ),
    )
    .limit(1);
  return row ?? null;
}

/** Every run not finished yet (any user): the ones whose job must still be on a queue. */
export async function listUnfinishedRuns(db: Executor): Promise<ImportRun[]> {
  return db
    .select()
    .from(importRuns)
    .where(inArray(importRuns.status, ['queued', 'running']));
}

export async function getRun(db: Executor, id: string): Promise<ImportRun | null> {
  const [row] = await db.select().from(importRuns).where(eq(importRuns.id, id));
  return row ?? null;
}

export async function getUserRun(db: Executor, userId: string, id: string): Promise<ImportRun | null> {
  const [row] = await db
    .select()
    .from(importRuns)
    .where(and(eq(importRuns.id, id), eq(importRuns.userId, userId)));
  return row ?? null;
}

export async function listRuns(
  db: Executor,
  userId: string,
  before: { ts: Date; id: string } | undefined,
  limit: number,
) {
  return db
    .select()
    .from(importRuns)
    .where(
      and(
        eq(importRuns.userId, userId),
        before
          ? or(
              lt(importRuns.createdAt, before.ts),
              and(eq(importRuns.createdAt, before.ts), lt(importRuns.id, before.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(importRuns.createdAt), desc(importRuns.id))
    .limit(limit);
}

export async function updateRun(
  db: Executor,
  id: string,
  set: Partial<Omit<ImportRun, 'id' | 'userId'>>,
): Promise<ImportRun> {
  const [row] = await db.update(importRuns).set(set).where(eq(importRuns.id, id)).returning();
  return row!;
}

/** Adds to the counters in the same transaction as the rows they count. */
export async function addCounts(
  db: Executor,
  id: string,
  add: { fetched?: number; inserted?: number; duplicates?: number; scored?: number },
) {
  const [row] = await db
    .update(importRuns)
    .set({
      fetched: sql`${importRuns.fetched} + ${add.fetched ?? 0}`,
      inserted: sql`${importRuns.inserted} + ${add.inserted ?? 0}`,
      duplicates: sql`${importRuns.duplicates} + ${add.duplicates ?? 0}`,
      scored: sql`${importRuns.scored} + ${add.scored ?? 0}`,
    })
    .where(eq(importRuns.id, id))
    .returning();
  return row!;
}
