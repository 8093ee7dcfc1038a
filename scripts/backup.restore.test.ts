import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase, trades, users, type Database, type DatabaseOptions } from '@tt/db';
import { createTempDatabase, type TempDatabase } from '../apps/bff/src/test-support/temp-database';
import { BackupError, backupDatabase, restoreDatabase, type BackupTarget } from './backup.drivers';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tt-backup-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** Two users, forty exact-decimal trades with JSON metadata. */
async function seed(db: Database): Promise<void> {
  const [alice, bob] = await db
    .insert(users)
    .values([
      { email: 'alice@example.com', passwordHash: 'argon2id$alice' },
      { email: 'bob@example.com', passwordHash: 'argon2id$bob', tone: 'strict' },
    ])
    .returning();
  await db.insert(trades).values(
    Array.from({ length: 40 }, (_, i) => ({
      userId: i % 4 === 0 ? bob!.id : alice!.id,
      broker: 'coinbase',
      extId: `fill-${i}`,
      symbol: i % 2 ? 'BTC-USD' : 'ETH-USD',
      side: i % 3 ? 'BUY' : 'SELL',
      qty: `0.${String(i + 1).padStart(18, '0')}`,
      price: `${60_000 + i}.123456789`,
      ts: new Date(Date.UTC(2026, 10, 1, i)),
      meta: { feeConversion: { asset: 'BNB', rate: '312.5' }, n: i },
    })),
  );
}

async function rows<T>(db: Database, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** Row counts of every table (ours and Drizzle's migration journal) and a few rows in full. */
async function snapshot(db: Database) {
  const tables = await rows<{ schema: string; name: string }>(
    db,
    sql`select table_schema as schema, table_name as name from information_schema.tables
        where table_schema in ('public', 'drizzle') and table_type = 'BASE TABLE' order by 1, 2`,
  );
  const counts: Record<string, number> = {};
  for (const { schema, name } of tables) {
    const [count] = await rows<{ n: number }>(
      db,
      sql.raw(`select count(*)::int as n from "${schema}"."${name}"`),
    );
    counts[`${schema}.${name}`] = count!.n;
  }
  const sample = await rows<Record<string, unknown>>(
    db,
    sql`select u.email, u.tone, t.ext_id, t.qty::text, t.price::text, t.meta, t.ts
        from trades t join users u on u.id = t.user_id where t.ext_id in ('fill-0', 'fill-17', 'fill-39') order by t.ext_id`,
  );
  return { counts, sample };
}

async function roundTrip(
  options: DatabaseOptions,
  target: BackupTarget,
  file: string,
  wipe: () => Promise<void>,
) {
  const seeded = await openDatabase(options);
  await seed(seeded.db);
  const before = await snapshot(seeded.db);
  await seeded.close();

  await backupDatabase(target, file);
  await wipe();
  await restoreDatabase(target, file);

  const reopened = await openDatabase(options);
  const after = await snapshot(reopened.db);
  return { before, after, reopened };
}

describe('db:backup and db:restore', () => {
  // PGlite start-up dominates (initdb on disk takes seconds on a loaded machine): one database, reused.
  it(
    'restores a wiped PGlite database to the same rows, never backing up an open one',
    { timeout: 180_000 },
    async () => {
      const dataDir = join(work, 'pglite', 'pg');
      const target: BackupTarget = { driver: 'pglite', dataDir };
      const file = join(work, 'pglite.tar.gz');
      const { before, after, reopened } = await roundTrip({ driver: 'pglite', dataDir }, target, file, () =>
        rm(dataDir, { recursive: true }),
      );
      try {
        expect(before.counts['public.users']).toBe(2);
        expect(before.counts['public.trades']).toBe(40);
        expect(before.counts['drizzle.__drizzle_migrations']).toBeGreaterThan(0);
        expect(after).toEqual(before);
        await expect(backupDatabase(target, join(work, 'while-open.tar.gz'))).rejects.toThrow(BackupError);
      } finally {
        await reopened.close();
      }
      // Restoring over an existing database keeps that one aside instead of deleting it.
      const { movedAside } = await restoreDatabase(target, file);
      expect(movedAside && existsSync(join(movedAside, 'PG_VERSION'))).toBe(true);
    },
  );

  describe('on PostgreSQL', () => {
    let database: TempDatabase;
    beforeAll(async () => {
      database = await createTempDatabase('tt_backup');
    });
    afterAll(() => database.drop());

    it('restores a wiped database to the same rows with pg_dump and pg_restore', async () => {
      const { before, after, reopened } = await roundTrip(
        { driver: 'postgres', url: database.url },
        { driver: 'postgres', url: database.url },
        join(work, 'postgres.pgdump'),
        async () => {
          const client = new pg.Client({ connectionString: database.url });
          await client.connect();
          await client.query('drop schema public cascade; create schema public; drop schema drizzle cascade');
          await client.end();
        },
      );
      await reopened.close();
      expect(before.counts['public.trades']).toBe(40);
      expect(after).toEqual(before);
    });

    it('refuses a backup file made for the other mode', async () => {
      await expect(
        restoreDatabase({ driver: 'postgres', url: database.url }, join(work, 'backup.tar.gz')),
      ).rejects.toThrow(/not a postgres backup/);
    });
  });
});
