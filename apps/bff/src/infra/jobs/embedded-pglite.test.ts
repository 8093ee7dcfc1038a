import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase, type DatabaseHandle } from '@tt/db';
import { createEmbeddedJobQueue } from './index';
import { jobQueueContract } from './jobs.contract';
import { silentLogger } from './jobs.test-support';

describe('embedded job queue on PGlite', () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openDatabase({ driver: 'pglite', dataDir: null });
  });
  afterAll(() => handle.close());

  jobQueueContract({
    async newStore() {
      await handle.db.execute(sql`delete from jobs`);
      return {
        open: (options) =>
          createEmbeddedJobQueue({
            db: handle.db,
            driver: 'pglite',
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
      // A copy of the migrated in-memory database: the child processes skip initdb and migrations.
      await handle.db.execute(sql`delete from jobs`);
      const image = await (handle.db as unknown as { $client: PGlite }).$client.dumpDataDir('none');
      const dataDir = mkdtempSync(join(tmpdir(), 'tt-jobs-pglite-'));
      await (await PGlite.create(dataDir, { loadDataDir: image })).close();
      return {
        env: { JOBS_STORE: 'pglite', PGLITE_DIR: dataDir },
        close: async () => rmSync(dataDir, { recursive: true, force: true }),
      };
    },
  });
});
