import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { biasTags, digests, positions, trades, users, type Executor } from '@tt/db';
import type { DigestPayload } from '@tt/shared';

/*
 * Writes touch `digests` only; trades, positions, tags and the profile are read in bulk for one
 * user's week (their modules expose no such read).
 */

export type DigestRow = typeof digests.$inferSelect;

export async function digestProfile(db: Executor, userId: string) {
  const [row] = await db
    .select({ timeZone: users.timeZone, tone: users.tone })
    .from(users)
    .where(eq(users.id, userId));
  return row ?? null;
}

/** The user's fills in [from, to) with their labels and the features of each tag. */
export async function taggedTradesBetween(db: Executor, userId: string, from: Date, to: Date) {
  return db
    .select({
      id: trades.id,
      ts: trades.ts,
      label: biasTags.label,
      confidence: biasTags.confidence,
      features: biasTags.features,
    })
    .from(trades)
    .leftJoin(biasTags, eq(biasTags.tradeId, trades.id))
    .where(and(eq(trades.userId, userId), gte(trades.ts, from), lt(trades.ts, to)));
}

/** Lots whose exit falls in [from, to). */
export async function lotsClosedBetween(db: Executor, userId: string, from: Date, to: Date) {
  return db
    .select({
      broker: positions.broker,
      symbol: positions.symbol,
      entryTradeId: positions.entryTradeId,
      exitTradeId: positions.exitTradeId,
      exitTs: positions.exitTs,
      pnlQuote: positions.pnlQuote,
    })
    .from(positions)
    .where(
      and(
        eq(positions.userId, userId),
        isNotNull(positions.exitTradeId),
        gte(positions.exitTs, from),
        lt(positions.exitTs, to),
      ),
    );
}

/** Lots held at some moment of [from, to): entered before its end, not exited before its start. */
export async function lotsHeldDuring(db: Executor, userId: string, from: Date, to: Date) {
  return db
    .select({
      broker: positions.broker,
      symbol: positions.symbol,
      qty: positions.qty,
      entryPrice: positions.entryPrice,
      entryFee: positions.entryFee,
      entryTs: positions.entryTs,
      exitTs: positions.exitTs,
    })
    .from(positions)
    .where(
      and(
        eq(positions.userId, userId),
        lt(positions.entryTs, to),
        or(isNull(positions.exitTs), gte(positions.exitTs, from)),
      ),
    );
}

/** Tags of the given trades (chunked: a week of a busy account names many). */
export async function tagsOfTrades(db: Executor, tradeIds: readonly string[]) {
  const out: { tradeId: string; label: string; confidence: number; features: unknown }[] = [];
  for (let i = 0; i < tradeIds.length; i += 5000) {
    const chunk = tradeIds.slice(i, i + 5000);
    out.push(
      ...(await db
        .select({
          tradeId: biasTags.tradeId,
          label: biasTags.label,
          confidence: biasTags.confidence,
          features: biasTags.features,
        })
        .from(biasTags)
        .where(inArray(biasTags.tradeId, chunk))),
    );
  }
  return out;
}

/** One digest per user and week: building it again replaces the payload, keeping the id. */
export async function upsertDigest(
  db: Executor,
  values: { userId: string; periodStart: Date; periodEnd: Date; payload: DigestPayload },
): Promise<DigestRow> {
  const [row] = await db
    .insert(digests)
    .values(values)
    .onConflictDoUpdate({
      target: [digests.userId, digests.periodStart],
      set: { periodEnd: values.periodEnd, payload: values.payload, createdAt: sql`now()`, deliveredAt: null },
    })
    .returning();
  return row!;
}

export async function markDelivered(db: Executor, id: string, at: Date): Promise<DigestRow> {
  const [row] = await db.update(digests).set({ deliveredAt: at }).where(eq(digests.id, id)).returning();
  return row!;
}

export async function digestExists(db: Executor, userId: string, periodStart: Date): Promise<boolean> {
  const rows = await db
    .select({ id: digests.id })
    .from(digests)
    .where(and(eq(digests.userId, userId), eq(digests.periodStart, periodStart)))
    .limit(1);
  return rows.length > 0;
}

/** Newest week first, keyset-paged on (period start, id). */
export async function listDigests(
  db: Executor,
  userId: string,
  before: { ts: Date; id: string } | undefined,
  limit: number,
) {
  const where = [eq(digests.userId, userId)];
  if (before) {
    where.push(
      or(
        lt(digests.periodStart, before.ts),
        and(eq(digests.periodStart, before.ts), lt(digests.id, before.id)),
      )!,
    );
  }
  return db
    .select()
    .from(digests)
    .where(and(...where))
    .orderBy(desc(digests.periodStart), desc(digests.id))
    .limit(limit);
}

export async function getDigest(db: Executor, userId: string, id: string): Promise<DigestRow | null> {
  const [row] = await db
    .select()
    .from(digests)
    .where(and(eq(digests.userId, userId), eq(digests.id, id)));
  return row ?? null;
}

/**
 * Users a scheduled digest may be due for: those with a fill since `activeSince`, with their time
 * zone and the start of their newest digest.
 */
export async function digestCandidates(db: Executor, activeSince: Date) {
  return db
    .select({
      userId: users.id,
      timeZone: users.timeZone,
      // Spelled out: Drizzle leaves column names unqualified in a select list, which a subquery would misread.
      latest:
        sql<Date | null>`(select max("digests"."period_start") from "digests" where "digests"."user_id" = "users"."id")`.mapWith(
          (v: string | Date | null) => (v === null ? null : new Date(v)),
        ),
    })
    .from(users)
    .where(
      sql`exists (select 1 from ${trades} where ${trades.userId} = ${users.id} and ${trades.ts} >= ${activeSince})`,
    );
}
