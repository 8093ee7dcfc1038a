import { and, desc, eq, gte, inArray, isNotNull, lt, lte, or, sql } from 'drizzle-orm';
import { biasTags, importRuns, positions, simulations, trades, users, type Executor } from '@tt/db';
import type { Problem } from '@tt/shared';
import type { SimLot } from './sim-lot';

/*
 * Reads of positions, trades and tags are read-only views the simulations need in bulk (the
 * positions and trades modules expose no symbol-wide read); writes touch `simulations` only.
 */

export type SimulationRow = typeof simulations.$inferSelect;

const lotColumns = {
  broker: positions.broker,
  symbol: positions.symbol,
  entryTradeId: positions.entryTradeId,
  exitTradeId: positions.exitTradeId,
  qty: positions.qty,
  entryPrice: positions.entryPrice,
  entryFee: positions.entryFee,
  entryTs: positions.entryTs,
  exitTs: positions.exitTs,
  pnlQuote: positions.pnlQuote,
  fillQty: trades.qty,
  fillPrice: trades.price,
  fillFee: trades.feeQuote,
};

type LotRow = { broker: string; symbol: string; fillQty: string; fillPrice: string; fillFee: string } & Omit<
  SimLot,
  'key' | 'entryFill'
>;
const toSimLot = ({ broker, symbol, fillQty, fillPrice, fillFee, ...lot }: LotRow): SimLot => ({
  key: `${broker}|${symbol}`,
  ...lot,
  entryFill: { qty: fillQty, price: fillPrice, feeQuote: fillFee },
});

/** Lots joined with the entry fill they were cut from. */
const selectLots = (db: Executor) =>
  db.select(lotColumns).from(positions).innerJoin(trades, eq(trades.id, positions.entryTradeId));

/** The lots a trade opened or closed. */
export async function lotsOfTrade(db: Executor, userId: string, tradeId: string): Promise<SimLot[]> {
  const rows = await selectLots(db)
    .where(
      and(
        eq(positions.userId, userId),
        or(eq(positions.entryTradeId, tradeId), eq(positions.exitTradeId, tradeId)),
      ),
    )
    .orderBy(positions.entryTs, positions.id);
  return rows.map(toSimLot);
}

/** Every lot (closed and open) of the user in a symbol, on any broker. */
export async function lotsOfSymbol(db: Executor, userId: string, symbol: string): Promise<SimLot[]> {
  const rows = await selectLots(db)
    .where(and(eq(positions.userId, userId), eq(positions.symbol, symbol)))
    .orderBy(positions.entryTs, positions.id);
  return rows.map(toSimLot);
}

/** Closed lots of the user in a symbol whose exit falls in [from, to]. */
export async function closedLotsBetween(
  db: Executor,
  userId: string,
  symbol: string,
  from: Date,
  to: Date,
): Promise<SimLot[]> {
  const rows = await selectLots(db)
    .where(
      and(
        eq(positions.userId, userId),
        eq(positions.symbol, symbol),
        isNotNull(positions.exitTradeId),
        gte(positions.exitTs, from),
        lte(positions.exitTs, to),
      ),
    )
    .orderBy(positions.exitTs, positions.id);
  return rows.map(toSimLot);
}

/** One of the user's trades, as a simulation scope needs it; null when it is not theirs. */
export async function tradeInScope(db: Executor, userId: string, tradeId: string) {
  const [row] = await db
    .select({ id: trades.id, symbol: trades.symbol })
    .from(trades)
    .where(and(eq(trades.userId, userId), eq(trades.id, tradeId)));
  return row ?? null;
}

/** The tags of the given trades, strongest first per trade (chunked: symbol-wide runs name many). */
export async function tagsOfTrades(
  db: Executor,
  tradeIds: readonly string[],
): Promise<Map<string, { label: string; confidence: number }[]>> {
  const out = new Map<string, { label: string; confidence: number }[]>();
  for (let i = 0; i < tradeIds.length; i += 5000) {
    const rows = await db
      .select({ tradeId: biasTags.tradeId, label: biasTags.label, confidence: biasTags.confidence })
      .from(biasTags)
      .where(inArray(biasTags.tradeId, tradeIds.slice(i, i + 5000)))
      .orderBy(desc(biasTags.confidence), biasTags.label);
    for (const { tradeId, ...tag } of rows) out.set(tradeId, [...(out.get(tradeId) ?? []), tag]);
  }
  return out;
}

/**
 * Changes whenever anything a simulation reads changes: new trades (newest insert; trades are
 * never edited, and re-pairing follows an insert), re-tagging (newest tag), and imports (which
 * also fetch newer prices).
 */
export async function dataVersion(db: Executor, userId: string): Promise<string> {
  const [row] = await db
    .select({
      t: sql<
        string | null
      >`(select max(${trades.createdAt}) from ${trades} where ${trades.userId} = ${userId})::text`,
      g: sql<
        string | null
      >`(select max(${biasTags.createdAt}) from ${biasTags} where ${biasTags.userId} = ${userId})::text`,
      i: sql<
        string | null
      >`(select max(${importRuns.finishedAt}) from ${importRuns} where ${importRuns.userId} = ${userId})::text`,
    })
    .from(users)
    .where(eq(users.id, userId));
  return row ? [row.t, row.g, row.i].join('|') : '';
}

export async function findByKey(
  db: Executor,
  userId: string,
  cacheKey: string,
  freshAfter: Date,
): Promise<SimulationRow | null> {
  const [row] = await db
    .select()
    .from(simulations)
    .where(
      and(
        eq(simulations.userId, userId),
        eq(simulations.cacheKey, cacheKey),
        gte(simulations.createdAt, freshAfter),
      ),
    );
  return row ?? null;
}

export async function getSimulation(db: Executor, userId: string, id: string): Promise<SimulationRow | null> {
  const [row] = await db
    .select()
    .from(simulations)
    .where(and(eq(simulations.userId, userId), eq(simulations.id, id)));
  return row ?? null;
}

export async function getSimulationById(db: Executor, id: string): Promise<SimulationRow | null> {
  const [row] = await db.select().from(simulations).where(eq(simulations.id, id));
  return row ?? null;
}

/** Stores (or replaces: same user and key) a simulation; its id stays the same across replacements. */
export async function saveSimulation(
  db: Executor,
  values: {
    userId: string;
    cacheKey: string;
    request: unknown;
    status: string;
    result: unknown;
    error: Problem | null;
  },
): Promise<SimulationRow> {
  const [row] = await db
    .insert(simulations)
    .values(values)
    .onConflictDoUpdate({
      target: [simulations.userId, simulations.cacheKey],
      set: {
        request: values.request,
        status: values.status,
        result: values.result,
        error: values.error,
        createdAt: sql`now()`,
      },
    })
    .returning();
  return row!;
}

export async function updateSimulation(
  db: Executor,
  id: string,
  values: { status: string; result?: unknown; error?: Problem | null },
): Promise<void> {
  await db.update(simulations).set(values).where(eq(simulations.id, id));
}

/** Cached results expire: rows older than `before` go. */
export async function purgeSimulations(db: Executor, userId: string, before: Date): Promise<void> {
  await db.delete(simulations).where(and(eq(simulations.userId, userId), lt(simulations.createdAt, before)));
}
