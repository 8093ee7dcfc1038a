import { and, desc, eq, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { biasTags, notes, positions, reflections, trades, type Executor } from '@tt/db';

export interface NewTrade {
  broker: string;
  extId: string;
  orderId: string | null;
  symbol: string;
  side: 'BUY' | 'SELL';
  qty: string;
  price: string;
  fee: string;
  feeAsset: string | null;
  feeQuote: string;
  ts: Date;
  source: 'api' | 'csv';
  meta: Record<string, unknown>;
}

export interface InsertedTrade {
  id: string;
  broker: string;
  symbol: string;
  ts: Date;
}

/** Stores fills once: a fill seen before (same user, broker and ext id) is counted, not doubled. */
export async function insertTrades(db: Executor, userId: string, importId: string | null, rows: NewTrade[]) {
  const inserted: InsertedTrade[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000);
    const out = await db
      .insert(trades)
      .values(batch.map((r) => ({ ...r, userId, importId })))
      .onConflictDoNothing({ target: [trades.userId, trades.broker, trades.extId] })
      .returning({ id: trades.id, broker: trades.broker, symbol: trades.symbol, ts: trades.ts });
    inserted.push(...out);
  }
  return { inserted, duplicates: rows.length - inserted.length };
}

export interface TradeFilter {
  since?: Date | undefined;
  until?: Date | undefined;
  symbol?: string | undefined;
  side?: 'BUY' | 'SELL' | undefined;
  label?: string | undefined;
  /** Keyset: rows strictly older than this (ts, id). */
  before?: { ts: Date; id: string } | undefined;
  limit: number;
}

/** Newest first, keyset-paged on (ts, id), so deep pages cost the same as the first. */
export async function listTrades(db: Executor, userId: string, filter: TradeFilter) {
  const where: SQL[] = [eq(trades.userId, userId)];
  if (filter.since) where.push(gte(trades.ts, filter.since));
  if (filter.until) where.push(lte(trades.ts, filter.until));
  if (filter.symbol) where.push(eq(trades.symbol, filter.symbol));
  if (filter.side) where.push(eq(trades.side, filter.side));
  if (filter.label) {
    where.push(
      sql`exists (select 1 from ${biasTags} where ${biasTags.tradeId} = ${trades.id} and ${biasTags.label} = ${filter.label})`,
    );
  }
  if (filter.before) {
    where.push(
      or(
        lt(trades.ts, filter.before.ts),
        and(eq(trades.ts, filter.before.ts), lt(trades.id, filter.before.id)),
      )!,
    );
  }
  return db
    .select()
    .from(trades)
    .where(and(...where))
    .orderBy(desc(trades.ts), desc(trades.id))
    .limit(filter.limit);
}

export async function tagsForTrades(db: Executor, tradeIds: string[]) {
  if (tradeIds.length === 0) return [];
  return db.select().from(biasTags).where(inArray(biasTags.tradeId, tradeIds));
}

/** Realised P&L per exit trade, summed over its FIFO lots. */
export async function exitPnlForTrades(db: Executor, tradeIds: string[]) {
  if (tradeIds.length === 0) return [];
  return db
    .select({
      tradeId: positions.exitTradeId,
      pnlQuote: sql<string>`sum(${positions.pnlQuote})`,
      heldHours: sql<number>`sum(${positions.heldHours} * ${positions.qty}) / nullif(sum(${positions.qty}), 0)`,
      cost: sql<string>`sum(${positions.qty} * ${positions.entryPrice} + ${positions.entryFee})`,
    })
    .from(positions)
    .where(inArray(positions.exitTradeId, tradeIds))
    .groupBy(positions.exitTradeId);
}

export async function getTrade(db: Executor, userId: string, tradeId: string) {
  const [row] = await db
    .select()
    .from(trades)
    .where(and(eq(trades.userId, userId), eq(trades.id, tradeId)));
  return row ?? null;
}

export async function tradeDetailParts(db: Executor, tradeId: string) {
  const [tags, lots, refl, tradeNotes] = await Promise.all([
    db.select().from(biasTags).where(eq(biasTags.tradeId, tradeId)),
    db
      .select()
      .from(positions)
      .where(or(eq(positions.entryTradeId, tradeId), eq(positions.exitTradeId, tradeId))),
    db
      .select()
      .from(reflections)
      .where(eq(reflections.tradeId, tradeId))
      .orderBy(desc(reflections.createdAt)),
    db.select().from(notes).where(eq(notes.tradeId, tradeId)).orderBy(desc(notes.createdAt)),
  ]);
  return { tags, lots, reflections: refl, notes: tradeNotes };
}

export async function tradesByIds(db: Executor, userId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(trades)
    .where(and(eq(trades.userId, userId), inArray(trades.id, ids)));
}

/** Every fill of one (user, broker, symbol) series, for pairing. */
export async function seriesFills(db: Executor, userId: string, broker: string, symbol: string) {
  return db
    .select({
      id: trades.id,
      side: trades.side,
      qty: trades.qty,
      price: trades.price,
      feeQuote: trades.feeQuote,
      ts: trades.ts,
    })
    .from(trades)
    .where(and(eq(trades.userId, userId), eq(trades.broker, broker), eq(trades.symbol, symbol)));
}

/** All of a user's fills, oldest first (scoring needs each trade's history). */
export async function userTradesChronological(db: Executor, userId: string) {
  return db.select().from(trades).where(eq(trades.userId, userId)).orderBy(trades.ts, trades.id);
}

/** The series an import stored fills in, with the earliest fill of each. */
export async function seriesOfImport(db: Executor, userId: string, importId: string) {
  return db
    .select({
      broker: trades.broker,
      symbol: trades.symbol,
      first: sql<Date>`min(${trades.ts})`.mapWith(trades.ts),
    })
    .from(trades)
    .where(and(eq(trades.userId, userId), eq(trades.importId, importId)))
    .groupBy(trades.broker, trades.symbol);
}
