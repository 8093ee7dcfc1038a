import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { openDatabase, positions, type DatabaseHandle } from '@tt/db';
import { replaceSeriesPositions, type StoredLot } from './positions.repository';
import { insertTestUser } from '../../test-support/test-user';

const lot = (i: number): StoredLot => ({
  entryTradeId: randomUUID(),
  exitTradeId: null,
  qty: '0.5',
  entryPrice: '100',
  exitPrice: null,
  entryFee: '0.1',
  exitFee: null,
  entryTs: new Date(Date.UTC(2026, 9, 1) + i * 60_000),
  exitTs: null,
  heldHours: null,
  pnlQuote: null,
  pnlPct: null,
  mae: null,
  mfe: null,
});

describe('replaceSeriesPositions on PGlite', () => {
  let database: DatabaseHandle;
  let userId: string;

  beforeAll(async () => {
    database = await openDatabase({ driver: 'pglite', dataDir: null });
    userId = await insertTestUser(database.db);
  });
  afterAll(() => database.close());

  // PGlite answers on the main thread: without a turn between inserts (the driver gives one after
  // every statement), a 40,000-lot series held timers, sockets and requests for seconds.
  it('replaces a long series whole and lets timers run between its inserts', async () => {
    const key = { userId, broker: 'coinbase', symbol: 'BTC-USD' };
    await database.db.transaction((tx) => replaceSeriesPositions(tx, key, [lot(0), lot(1)]));

    let timerTurns = 0;
    const timer = setInterval(() => timerTurns++, 0);
    const lots = Array.from({ length: 3_500 }, (_, i) => lot(i));
    await database.db
      .transaction((tx) => replaceSeriesPositions(tx, key, lots))
      .finally(() => clearInterval(timer));

    const [stored] = await database.db
      .select({ n: count() })
      .from(positions)
      .where(and(eq(positions.userId, userId), eq(positions.symbol, 'BTC-USD')));
    expect(stored!.n).toBe(3_500);
    expect(timerTurns).toBeGreaterThan(0);
  });
});
