import { mkdirSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import * as schema from './schema';

export type Schema = typeof schema;
/** Both drivers (PGlite and node-postgres) are this type, so repositories never know which one runs. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** A database or an open transaction: repositories accept either. */
export type Executor = Database | Transaction;

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface DatabaseHandle {
  db: Database;
  driver: 'pglite' | 'postgres';
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseOptions =
  { driver: 'postgres'; url: string; poolSize?: number } | { driver: 'pglite'; dataDir: string | null };

// Serialises concurrent start-ups (two BFFs and a worker) so migrations apply once.
const MIGRATION_LOCK = 7_263_001;

async function openPostgres(url: string, poolSize: number): Promise<DatabaseHandle> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  // numeric stays a string (exact); timestamptz parsed to Date by drizzle.
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => undefined);
  // The pool listens for errors only on idle clients. A server that goes away while a client is
  // checked out (a restart between two statements of a transaction) makes that client emit
  // 'error' with no listener, which ends the process; the statement in progress fails instead,
  // and the pool drops the broken client when it is released.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = drizzle(pool, { schema });
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(drizzle(client, { schema }), { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return {
    db: db as unknown as Database,
    driver: 'postgres',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => pool.end(),
  };
}

type Statement = (...args: unknown[]) => Promise<unknown>;

/**
 * PGlite runs each statement on the main thread and its promises settle as microtasks, so work
 * issuing statements back to back (an import's inserts, scoring's reads) would hold timers,
 * sockets and requests for seconds. Here every statement, in a transaction too, ends with a turn
 * of the event loop; node-postgres waits on a socket and needs none.
 */
function turnAfterEachStatement<T extends object>(client: T): T {
  return new Proxy(client, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'query' || property === 'exec') {
        const statement = value as Statement;
        return async (...args: unknown[]) => {
          try {
            return await statement.apply(target, args);
          } finally {
            await nextTurn();
          }
        };
      }
      if (property === 'transaction') {
        const transaction = value as (work: (tx: object) => unknown) => Promise<unknown>;
        return (work: (tx: object) => unknown) =>
          transaction.call(target, (tx) => work(turnAfterEachStatement(tx)));
      }
      return (value as Statement).bind(target);
    },
  });
}

async function openPglite(dataDir: string | null): Promise<DatabaseHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  const db = drizzle({ client: turnAfterEachStatement(client), schema });
  await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return {
    db: db as unknown as Database,
    driver: 'pglite',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => client.close(),
  };
}

/** Opens the database and brings its schema up to date before anything else uses it. */
export function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  return options.driver === 'postgres'
    ? openPostgres(options.url, options.poolSize ?? 10)
    : openPglite(options.dataDir);
}
