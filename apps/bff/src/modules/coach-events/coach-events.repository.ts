import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { coachEvents, jsonRows, users, type Executor } from '@tt/db';

export interface StoredCoachEvent {
  id: number;
  type: string;
  payload: unknown;
  createdAt: Date;
}

/**
 * Reserves ids for a batch under the user row's lock (so ids follow commit order and a resuming
 * client never skips one), then inserts the batch in one statement.
 */
export async function appendCoachEvents(
  tx: Executor,
  userId: string,
  type: string,
  payloads: unknown[],
): Promise<StoredCoachEvent[]> {
  const [seq] = await tx
    .update(users)
    .set({ eventSeq: sql`${users.eventSeq} + ${payloads.length}` })
    .where(eq(users.id, userId))
    .returning({ last: users.eventSeq });
  if (!seq) throw new Error('coach event for a user that does not exist');
  const first = seq.last - payloads.length + 1;
  const rows = await tx
    .insert(coachEvents)
    .select(
      jsonRows(
        coachEvents,
        payloads.map((payload, i) => ({ userId, id: first + i, type, payload })),
      ),
    )
    .returning();
  return rows.map((row) => ({ id: row.id, type: row.type, payload: row.payload, createdAt: row.createdAt }));
}

export async function listCoachEventsAfter(
  db: Executor,
  userId: string,
  afterId: number,
  limit: number,
): Promise<StoredCoachEvent[]> {
  return db
    .select({
      id: coachEvents.id,
      type: coachEvents.type,
      payload: coachEvents.payload,
      createdAt: coachEvents.createdAt,
    })
    .from(coachEvents)
    .where(and(eq(coachEvents.userId, userId), gt(coachEvents.id, afterId)))
    .orderBy(asc(coachEvents.id))
    .limit(limit);
}
