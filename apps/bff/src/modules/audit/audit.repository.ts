import { and, desc, eq, lt, or } from 'drizzle-orm';
import { audits, type Executor } from '@tt/db';

export type AuditRow = typeof audits.$inferSelect;

/** Queries on `audits`, nothing else. */
export function createAuditRepository(db: Executor) {
  return {
    async insert(row: typeof audits.$inferInsert): Promise<void> {
      await db.insert(audits).values(row);
    },
    /** Newest first; `after` is the last row of the previous page. */
    page(userId: string, limit: number, after?: { createdAt: Date; id: string }): Promise<AuditRow[]> {
      const older = after
        ? or(
            lt(audits.createdAt, after.createdAt),
            and(eq(audits.createdAt, after.createdAt), lt(audits.id, after.id)),
          )
        : undefined;
      return db
        .select()
        .from(audits)
        .where(and(eq(audits.userId, userId), older))
        .orderBy(desc(audits.createdAt), desc(audits.id))
        .limit(limit);
    },
    async findOne(userId: string, id: string): Promise<AuditRow | undefined> {
      const [row] = await db
        .select()
        .from(audits)
        .where(and(eq(audits.userId, userId), eq(audits.id, id)))
        .limit(1);
      return row;
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
