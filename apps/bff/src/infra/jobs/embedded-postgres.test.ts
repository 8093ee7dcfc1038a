import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase, type DatabaseHandle } from '@tt/db';
import { createEmbeddedJobQueue } from './index';
import { jobQueueContract } from './jobs.contract';
import { silentLogger } from './jobs.test-support';

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('embedded job queue on PostgreSQL', () => {
  const database = `tt_jobs_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const url = Object.assign(new URL(ADMIN_URL), { pathname: `/${database}` }).toString();
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  let handle: DatabaseHandle;

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    handle = await openDatabase({ driver: 'postgres', url, poolSize: 5 });
  });
  afterAll(async () => {
    await handle?.close();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  jobQueueContract({
    async newStore() {
      await handle.db.execute(sql`delete from jobs`);
      return {
        open: (options) =>
          createEmbeddedJobQueue({
            db: handle.db,
            driver: 'postgres',
            logger: silentLogger,
            pollMs: 10,
            maxPollMs: 50,
            leaseMs: 2000,
            ...options,
          }),
        close: async () => undefined,
      };
    },
    async newCrashStore() {
      await handle.db.execute(sql`delete from jobs`);
      return { env: { JOBS_STORE: 'postgres', DATABASE_URL: url }, close: async () => undefined };
    },
  });
});
