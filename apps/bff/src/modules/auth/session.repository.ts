import { and, asc, eq, lte, ne, or } from 'drizzle-orm';
import { sessions, type Executor } from '@tt/db';

export type SessionRow = typeof sessions.$inferSelect;
export type NewSessionRow = typeof sessions.$inferInsert;

/** Queries on `sessions`, nothing else. */
export function createSessionRepository(db: Executor) {
  return {
    async insert(row: NewSessionRow): Promise<SessionRow> {
      const [created] = await db.insert(sessions).values(row).returning();
      return created!;
    },
    async findByTokenHash(tokenHash: string): Promise<SessionRow | undefined> {
      const [row] = await db.select().from(sessions).where(eq(sessions.tokenHash, tokenHash)).limit(1);
      return row;
    },
    async touch(id: string, lastSeenAt: Date, expiresAt: Date): Promise<void> {
      await db.update(sessions).set({ lastSeenAt, expiresAt }).where(eq(sessions.id, id));
    },
    listForUser(userId: string): Promise<SessionRow[]> {
      return db
        .select()
        .from(sessions)
        .where(eq(sessions.userId, userId))
        .orderBy(asc(sessions.createdAt), asc(sessions.id));
    },
    async deleteOne(userId: string, id: string): Promise<boolean> {
      const deleted = await db
        .delete(sessions)
        .where(and(eq(sessions.userId, userId), eq(sessions.id, id)))
        .returning({ id: sessions.id });
      return deleted.length > 0;
    },
    async deleteAllExcept(userId: string, keepId: string | null): Promise<string[]> {
      const where = keepId
        ? and(eq(sessions.userId, userId), ne(sessions.id, keepId))
        : eq(sessions.userId, userId);
      const deleted = await db.delete(sessions).where(where).returning({ id: sessions.id });
      return deleted.map((d) => d.id);
    },
    async deleteExpired(now: Date): Promise<number> {
      const deleted = await db
        .delete(sessions)
        .where(or(lte(sessions.expiresAt, now), lte(sessions.absoluteExpiresAt, now)))
        .returning({ id: sessions.id });
      return deleted.length;
    },
  };
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;
