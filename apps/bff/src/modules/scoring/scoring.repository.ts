import { and, eq, notExists, or, sql } from 'drizzle-orm';
import { biasTags, trades, users, type Executor } from '@tt/db';

/** The profile fields scoring needs (read-only; the accounts module owns the table). */
export async function scoringProfile(db: Executor, userId: string) {
  const [row] = await db
    .select({ timeZone: users.timeZone, tone: users.tone })
    .from(users)
    .where(eq(users.id, userId));
  return row ?? null;
}

/**
 * Trades a run must score: the import's own plus any of the user's trades still without a tag, or
 * every trade of the user when `importId` is null (a rule changed).
 */
export async function tradeIdsToScore(
  db: Executor,
  userId: string,
  importId: string | null,
): Promise<Set<string>> {
  const untagged = notExists(
    db
      .select({ one: sql`1` })
      .from(biasTags)
      .where(eq(biasTags.tradeId, trades.id)),
  );
  const rows = await db
    .select({ id: trades.id })
    .from(trades)
    .where(
      importId
        ? and(eq(trades.userId, userId), or(eq(trades.importId, importId), untagged))
        : eq(trades.userId, userId),
    );
  return new Set(rows.map((r) => r.id));
}
