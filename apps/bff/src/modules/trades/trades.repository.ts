import { and, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { biasTags, jsonRows, notes, positions, reflections, trades, type Executor } from '@tt/db';

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
      .select(
        jsonRows(
          trades,
          batch.map((r) => ({ ...r, userId, importId })),
        ),
      )
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

/** A trade of a list page: decimals as exact text, labels strongest first, exits with their P&L. */
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
  /** Epoch milliseconds: far cheaper to carry and parse than a timestamp. */
  tsMs: number;
  source: string;
  /** `label:confidence` pairs joined by commas, strongest first; null when untagged. */
  labels: string | null;
  /** Exits: realised P&L summed over the FIFO lots the exit closed, their cost and mean holding time. */
  pnl: string | null;
  cost: string | null;
  held: number | null;
}

// Plain columns, one round trip, no per-row JSON building in the database: the trades page asks
// 500 times a second, and every part here was measured (pgbench) to be the cheapest of the forms tried.
const LIST_COLUMNS = sql`t.id, t.broker, t.ext_id as "extId", t.symbol, t.side, t.qty::text as qty,
  t.price::text as price, t.fee::text as fee, t.fee_asset as "feeAsset", t.fee_quote::text as "feeQuote",
  (extract(epoch from t.ts) * 1000)::float8 as "tsMs", t.source,
  (select string_agg(b.label || ':' || b.confidence::text, ',' order by b.confidence desc)
     from bias_tags b where b.trade_id = t.id) as labels,
  x.pnl::text as pnl, x.cost::text as cost, x.held`;

const EXITS = sql`left join lateral (
  select sum(p.pnl_quote) as pnl, sum(p.held_hours * p.qty) / nullif(sum(p.qty), 0) as held,
         sum(p.qty * p.entry_price + p.entry_fee) as cost
  from positions p where p.exit_trade_id = t.id having count(*) > 0) x on true`;

/** Newest first, keyset-paged on (ts, id), so deep pages cost the same as the first. */
export async function listTrades(db: Executor, userId: string, filter: TradeFilter): Promise<TradeListRow[]> {
  const where: SQL[] = [sql`t.user_id = ${userId}`];
  if (filter.id) where.push(sql`t.id = ${filter.id}`);
  if (filter.since) where.push(sql`t.ts >= ${filter.since.toISOString()}`);
  if (filter.until) where.push(sql`t.ts <= ${filter.until.toISOString()}`);
  if (filter.symbol) where.push(sql`t.symbol = ${filter.symbol}`);
  if (filter.side) where.push(sql`t.side = ${filter.side}`);
  if (filter.label) {
    where.push(sql`exists (select 1 from bias_tags b where b.trade_id = t.id and b.label = ${filter.label})`);
  }
  if (filter.before) {
    where.push(
      sql`(t.ts, t.id) < (${filter.before.ts.toISOString()}::timestamptz, ${filter.before.id}::uuid)`,
    );
  }
  const result = await db.execute(sql`
    select ${LIST_COLUMNS}
    from trades t ${EXITS}
    where ${sql.join(where, sql` and `)}
    order by t.ts desc, t.id desc
    limit ${filter.limit}`);
  return (result as unknown as { rows: TradeListRow[] }).rows;
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

/** Every trade of the user in time order, with only what scoring reads (a whole history stays small). */
export async function userTradesChronological(db: Executor, userId: string) {
  return db
    .select({
      id: trades.id,
      broker: trades.broker,
      symbol: trades.symbol,
      side: trades.side,
      qty: trades.qty,
      price: trades.price,
      ts: trades.ts,
    })
    .from(trades)
    .where(eq(trades.userId, userId))
    .orderBy(trades.ts, trades.id);
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
