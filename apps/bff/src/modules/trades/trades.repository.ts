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
  /** One trade (the detail view), still scoped to the user. */
  id?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  symbol?: string | undefined;
  side?: 'BUY' | 'SELL' | undefined;
  label?: string | undefined;
  /** Keyset: rows strictly older than this (ts, id). */
  before?: { ts: Date; id: string } | undefined;
  limit: number;
}

export interface TradeListRow {
  id: string;
  broker: string;
  extId: string;
  symbol: string;
  side: string;
  qty: string;
  price: string;
  fee: string;
  feeAsset: string | null;
  feeQuote: string;
  ts: Date;
  source: string;
  /** Strongest first. */
  labels: { label: string; confidence: number }[];
  /** Exits: realised P&L summed over the FIFO lots the exit closed (null for entries). */
  exit: { pnl: string | null; held: number | null; cost: string | null } | null;
}

// Qualified by hand: in a one-table select Drizzle leaves column names bare, and a bare `id` inside
// these subqueries would bind to the subquery's own table.
const LABELS = sql<TradeListRow['labels']>`coalesce((
  select json_agg(json_build_object('label', b.label, 'confidence', b.confidence) order by b.confidence desc)
  from bias_tags b where b.trade_id = "trades"."id"), '[]'::json)`;
const EXIT = sql<TradeListRow['exit']>`(
  select json_build_object(
    'pnl', sum(p.pnl_quote)::text,
    'held', sum(p.held_hours * p.qty) / nullif(sum(p.qty), 0),
    'cost', sum(p.qty * p.entry_price + p.entry_fee)::text)
  from positions p where p.exit_trade_id = "trades"."id" having count(*) > 0)`;

/**
 * Newest first, keyset-paged on (ts, id), so deep pages cost the same as the first; each row comes
 * with its labels and realised P&L in the same round trip (the trades page asks 500 times a second).
 */
export async function listTrades(db: Executor, userId: string, filter: TradeFilter): Promise<TradeListRow[]> {
  const where: SQL[] = [eq(trades.userId, userId)];
  if (filter.id) where.push(eq(trades.id, filter.id));
  if (filter.since) where.push(gte(trades.ts, filter.since));
  if (filter.until) where.push(lte(trades.ts, filter.until));
  if (filter.symbol) where.push(eq(trades.symbol, filter.symbol));
  if (filter.side) where.push(eq(trades.side, filter.side));
  if (filter.label) {
    where.push(
      sql`exists (select 1 from bias_tags b where b.trade_id = "trades"."id" and b.label = ${filter.label})`,
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
    .select({
      id: trades.id,
      broker: trades.broker,
      extId: trades.extId,
      symbol: trades.symbol,
      side: trades.side,
      qty: trades.qty,
      price: trades.price,
      fee: trades.fee,
      feeAsset: trades.feeAsset,
      feeQuote: trades.feeQuote,
      ts: trades.ts,
      source: trades.source,
      labels: LABELS,
      exit: EXIT,
    })
    .from(trades)
    .where(and(...where))
    .orderBy(desc(trades.ts), desc(trades.id))
    .limit(filter.limit);
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
