import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase, type DatabaseHandle } from '@tt/db';
import type { JobDefinition, JobQueue } from '../../infra/jobs';
import { createRun, updateRun } from './import-runs.repository';
import { createImportsService } from './imports.service';
import { insertTestUser } from '../../test-support/test-user';

const payload = z.object({ importId: z.string(), userId: z.string() });
const importJob: JobDefinition<z.infer<typeof payload>> = {
  queue: 'q_import',
  name: 'import.trades',
  payload,
  handle: async () => undefined,
};
const scoreJob: JobDefinition<{ userId: string; importId?: string | undefined }> = {
  queue: 'q_score',
  name: 'score.bias',
  payload,
  handle: async () => undefined,
};

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openDatabase({ driver: 'pglite', dataDir: null });
});
afterAll(async () => {
  await handle.close();
});

describe('imports service: requeueUnfinished', () => {
  it('puts back the job a queue lost for each unfinished run, as of its phase, and leaves finished runs alone', async () => {
    const userId = await insertTestUser(handle.db);
    const window = { since: new Date('2026-10-01T00:00:00Z'), until: new Date('2026-10-31T00:00:00Z') };
    const queued = await createRun(handle.db, { userId, jobId: 'import-queued', kind: 'api', ...window });
    const fetching = await createRun(handle.db, { userId, jobId: 'import-fetching', kind: 'api', ...window });
    await updateRun(handle.db, fetching.id, { status: 'running', phase: 'fetching' });
    const scoring = await createRun(handle.db, { userId, jobId: 'import-scoring', kind: 'api', ...window });
    await updateRun(handle.db, scoring.id, { status: 'running', phase: 'scoring' });
    const done = await createRun(handle.db, { userId, jobId: 'import-done', kind: 'api', ...window });
    await updateRun(handle.db, done.id, { status: 'succeeded', phase: 'done' });

    // The queue still holds the fetching run's job; the other two were lost.
    const held = new Set(['import-fetching']);
    const enqueued: { name: string; jobId: string | undefined; payload: unknown }[] = [];
    const jobs = {
      async enqueue(definition: JobDefinition<unknown>, body: unknown, options?: { jobId?: string }) {
        enqueued.push({ name: definition.name, jobId: options?.jobId, payload: body });
        const deduped = held.has(options?.jobId ?? '');
        held.add(options?.jobId ?? '');
        return { jobId: options?.jobId ?? '', deduped };
      },
    } as unknown as JobQueue;
    const service = createImportsService({
      db: handle.db,
      jobs,
      trades: {} as never,
      brokers: {} as never,
      marketData: {} as never,
      importJob: () => importJob,
      scoreJob: () => scoreJob,
    });

    expect(await service.requeueUnfinished()).toBe(2);
    expect(enqueued).toEqual(
      expect.arrayContaining([
        { name: 'import.trades', jobId: 'import-queued', payload: { importId: queued.id, userId } },
        { name: 'import.trades', jobId: 'import-fetching', payload: { importId: fetching.id, userId } },
        { name: 'score.bias', jobId: `score-${scoring.id}`, payload: { importId: scoring.id, userId } },
      ]),
    );
    expect(enqueued).toHaveLength(3);
    // A second check finds everything in place and adds nothing.
    expect(await service.requeueUnfinished()).toBe(0);
  });
});
