import { and, eq, sql } from 'drizzle-orm';
import { notes, reflections, trades, type Executor } from '@tt/db';

/** Reflections a trader asked for in the chat; re-scoring keeps them (it replaces only its own). */
export const CHAT_REFLECTION = 'chat';

export interface NewChatReflection {
  userId: string;
  tradeId: string;
  label: string;
  tone: string;
  text: string;
}

export async function insertChatReflection(db: Executor, row: NewChatReflection) {
  const [inserted] = await db
    .insert(reflections)
    .values({ ...row, source: CHAT_REFLECTION })
    .returning();
  return inserted!;
}

/** Records the vote on one of the user's own reflections; false when they have no such reflection. */
export async function setReflectionFeedback(
  db: Executor,
  userId: string,
  reflectionId: string,
  value: 'up' | 'down',
): Promise<boolean> {
  const updated = await db
    .update(reflections)
    .set({ feedback: value })
    .where(and(eq(reflections.id, reflectionId), eq(reflections.userId, userId)))
    .returning({ id: reflections.id });
  return updated.length > 0;
}

/**
 * Adds a note to one of the user's own trades in one statement, so the ownership check and the
 * insert cannot be split by a concurrent delete; null when the user has no such trade.
 */
export async function insertNoteOnOwnTrade(db: Executor, userId: string, tradeId: string, text: string) {
  const [inserted] = await db
    .insert(notes)
    .select(
      db
        .select({
          id: sql<string>`gen_random_uuid()`.as('id'),
          userId: trades.userId,
          tradeId: trades.id,
          text: sql<string>`${text}`.as('text'),
          createdAt: sql<Date>`now()`.as('created_at'),
        })
        .from(trades)
        .where(and(eq(trades.id, tradeId), eq(trades.userId, userId))),
    )
    .returning();
  return inserted ?? null;
}
