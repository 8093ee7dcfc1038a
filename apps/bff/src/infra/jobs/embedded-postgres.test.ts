import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase, type DatabaseHandle } from '@tt/db';
import { createEmbeddedJobQueue } from './index';
import { jobQueueContract } from './jobs.contract';
import { silentLogger } from './jobs.test-support';
import { createTempDatabase, type TempDatabase } from '../../test-support/temp-database';

describe('embedded job queue on PostgreSQL', () => {
  let database: TempDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    database = await createTempDatabase('tt_jobs');
    handle = await openDatabase({ driver: 'postgres', url: database.url, poolSize: 5 });
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
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
      return { env: { JOBS_STORE: 'postgres', DATABASE_URL: database.url }, close: async () => undefined };
    },
  });
});
