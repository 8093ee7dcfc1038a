import { asc, eq } from 'drizzle-orm';
import {
  biasTags,
  coachEvents,
  digests,
  importRuns,
  notes,
  positions,
  reflections,
  simulations,
  trades,
  type Executor,
} from '@tt/db';

type Rows = Record<string, unknown>[];

/**
 * Reads for the data export of tables whose modules offer no "everything of one user" call yet.
 * Each read moves into its module's service as that module grows one; the export then calls it.
 * Full rows: an export shows everything held, not a page of a list view.
 */
export function createExportRepository(db: Executor) {
  return {
    trades: (userId: string): Promise<Rows> =>
      db.select().from(trades).where(eq(trades.userId, userId)).orderBy(asc(trades.ts), asc(trades.id)),
    tags: (userId: string): Promise<Rows> =>
      db
        .select()
        .from(biasTags)
        .where(eq(biasTags.userId, userId))
        .orderBy(asc(biasTags.createdAt), asc(biasTags.id)),
    positions: (userId: string): Promise<Rows> =>
      db
        .select()
        .from(positions)
        .where(eq(positions.userId, userId))
        .orderBy(asc(positions.entryTs), asc(positions.id)),
    reflections: (userId: string): Promise<Rows> =>
      db
        .select()
        .from(reflections)
        .where(eq(reflections.userId, userId))
        .orderBy(asc(reflections.createdAt), asc(reflections.id)),
    notes: (userId: string): Promise<Rows> =>
      db.select().from(notes).where(eq(notes.userId, userId)).orderBy(asc(notes.createdAt), asc(notes.id)),
    digests: (userId: string): Promise<Rows> =>
      db.select().from(digests).where(eq(digests.userId, userId)).orderBy(asc(digests.periodStart)),
    imports: (userId: string): Promise<Rows> =>
      db.select().from(importRuns).where(eq(importRuns.userId, userId)).orderBy(asc(importRuns.createdAt)),
    simulations: (userId: string): Promise<Rows> =>
      db.select().from(simulations).where(eq(simulations.userId, userId)).orderBy(asc(simulations.createdAt)),
    coachEvents: (userId: string): Promise<Rows> =>
      db.select().from(coachEvents).where(eq(coachEvents.userId, userId)).orderBy(asc(coachEvents.id)),
  };
}

export type ExportRepository = ReturnType<typeof createExportRepository>;
