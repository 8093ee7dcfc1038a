import { and, desc, eq, isNull, isNotNull, lt, or, type SQL } from 'drizzle-orm';
import { jsonRows, positions, type Executor } from '@tt/db';
import type { PositionLot } from './pair-fifo';

export interface StoredLot extends PositionLot {
  mae: number | null;
  mfe: number | null;
}

/** Replaces one series' lots in one transaction, so a reader never sees half a pairing. */
export async function replaceSeriesPositions(
  tx: Executor,
  key: { userId: string; broker: string; symbol: string },
  lots: StoredLot[],
): Promise<void> {
  await tx
    .delete(positions)
    .where(
      and(
        eq(positions.userId, key.userId),
        eq(positions.broker, key.broker),
        eq(positions.symbol, key.symbol),
      ),
    );
  for (let i = 0; i < lots.length; i += 1000) {
    await tx.insert(positions).select(
      jsonRows(
        positions,
        lots.slice(i, i + 1000).map((lot) => ({ ...key, ...lot })),
      ),
    );
  }
}

export async function listPositions(
  db: Executor,
  userId: string,
  filter: {
    symbol?: string | undefined;
    status?: 'open' | 'closed' | undefined;
    before?: { ts: Date; id: string } | undefined;
    limit: number;
  },
) {
  const where: SQL[] = [eq(positions.userId, userId)];
  if (filter.symbol) where.push(eq(positions.symbol, filter.symbol));
  if (filter.status === 'open') where.push(isNull(positions.exitTradeId));
  if (filter.status === 'closed') where.push(isNotNull(positions.exitTradeId));
  if (filter.before) {
    where.push(
      or(
        lt(positions.entryTs, filter.before.ts),
        and(eq(positions.entryTs, filter.before.ts), lt(positions.id, filter.before.id)),
      )!,
    );
  }
  return db
    .select()
    .from(positions)
    .where(and(...where))
    .orderBy(desc(positions.entryTs), desc(positions.id))
    .limit(filter.limit);
}

/** Every closed lot of a user, for the exit features (held time, P&L, stop check). */
export async function closedLots(db: Executor, userId: string) {
  return db
    .select({
      exitTradeId: positions.exitTradeId,
      qty: positions.qty,
      entryPrice: positions.entryPrice,
      entryFee: positions.entryFee,
      entryTs: positions.entryTs,
      heldHours: positions.heldHours,
      pnlQuote: positions.pnlQuote,
    })
    .from(positions)
    .where(and(eq(positions.userId, userId), isNotNull(positions.exitTradeId)));
}
