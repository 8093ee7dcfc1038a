import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase, type DatabaseHandle } from './database';

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `tt_db_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
let handle: DatabaseHandle | undefined;

async function admin<T>(query: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return (await client.query(query, values)).rows as T[];
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await handle?.close().catch(() => undefined);
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describe('openDatabase (PostgreSQL)', () => {
  it('survives the server ending a connection that a transaction holds between two statements', async () => {
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    handle = await openDatabase({ driver: 'postgres', url: url.toString(), poolSize: 2 });
    const db = handle.db;
    let terminated = false;
    const outcome = db.transaction(async (tx) => {
      const own = (await tx.execute(sql`select pg_backend_pid() as pid`)) as unknown as {
        rows: { pid: number }[];
      };
      // What a restart does to every backend: ended while the client waits between two statements.
      const [ended] = await admin<{ ok: boolean }>('select pg_terminate_backend($1) as ok', [
        own.rows[0]!.pid,
      ]);
      terminated = ended!.ok;
      await new Promise((resolve) => setTimeout(resolve, 300));
      await tx.execute(sql`select 1`);
    });
    await expect(outcome).rejects.toThrow();
    expect(terminated).toBe(true);
    // The process is still here, and the pool serves the next statement on a fresh connection.
    const after = (await db.execute(sql`select 42 as answer`)) as unknown as { rows: { answer: number }[] };
    expect(after.rows[0]!.answer).toBe(42);
  });
});

describe('openDatabase (PGlite)', () => {
  it('gives the event loop a turn after every statement, in a transaction too', async () => {
    const pglite = await openDatabase({ driver: 'pglite', dataDir: null });
    try {
      const turnsDuring = async (work: () => Promise<unknown>) => {
        let turns = 0;
        const tick = () => {
          turns++;
          immediate = setImmediate(tick);
        };
        let immediate = setImmediate(tick);
        await work().finally(() => clearImmediate(immediate));
        return turns;
      };
      const statements = 20;
      const outside = await turnsDuring(async () => {
        for (let i = 0; i < statements; i++) await pglite.db.execute(sql`select ${i}`);
      });
      const inside = await turnsDuring(() =>
        pglite.db.transaction(async (tx) => {
          for (let i = 0; i < statements; i++) await tx.execute(sql`select ${i}`);
        }),
      );
      expect(outside).toBeGreaterThanOrEqual(statements);
      expect(inside).toBeGreaterThanOrEqual(statements);
    } finally {
      await pglite.close();
    }
  });
});
