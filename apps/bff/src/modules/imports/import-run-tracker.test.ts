import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@tt/shared';
import { openDatabase, type DatabaseHandle } from '@tt/db';
import { DEFAULT_ATTEMPTS, PermanentJobError } from '../../infra/jobs';
import type { CoachEventsService } from '../coach-events';
import { insertTestUser } from '../../test-support/test-user';
import { createImportRunTracker } from './import-run-tracker';
import { createRun, getRun } from './import-runs.repository';

describe('ImportRunTracker', () => {
  let database: DatabaseHandle;
  let userId: string;
  const raised: { userId: string; type: string; payload: unknown }[] = [];
  const completed: string[] = [];
  const events = {
    raise: async (userId: string, type: string, payload: unknown) => {
      raised.push({ userId, type, payload });
    },
  } as unknown as CoachEventsService;

  beforeAll(async () => {
    database = await openDatabase({ driver: 'pglite', dataDir: null });
    userId = await insertTestUser(database.db);
  });
  afterAll(() => database.close());

  const tracker = () =>
    createImportRunTracker({
      db: database.db,
      events,
      metrics: { importCompleted: (status: string) => completed.push(status) } as never,
    });
  const newRun = () =>
    createRun(database.db, {
      userId,
      jobId: `job-${Math.random()}`,
      kind: 'api',
      since: new Date('2026-10-26T00:00:00Z'),
      until: new Date('2026-11-25T00:00:00Z'),
    });

  it('counts scored trades in the caller’s transaction, starts over on a retry, and reports progress', async () => {
    const runs = tracker();
    const run = await newRun();
    await database.db.transaction((tx) => runs.addScored(tx, run.id, 40));
    await runs.restartScoring(run.id);
    const after = await database.db.transaction((tx) => runs.addScored(tx, run.id, 25));
    expect(after.scored).toBe(25);
    await runs.report(after, 100);
    expect(raised.at(-1)).toMatchObject({
      userId,
      type: 'import.progress',
      payload: { importId: run.id, scored: 25, toScore: 100 },
    });
  });

  it('a rolled-back chunk counts nothing', async () => {
    const runs = tracker();
    const run = await newRun();
    await expect(
      database.db.transaction(async (tx) => {
        await runs.addScored(tx, run.id, 10);
        throw new Error('tag insert failed');
      }),
    ).rejects.toThrow('tag insert failed');
    expect((await runs.find(run.id))?.scored).toBe(0);
  });

  it('ends a run succeeded, counted and announced', async () => {
    const runs = tracker();
    const run = await newRun();
    await runs.succeed(run.id, 7);
    const done = await getRun(database.db, run.id);
    expect(done).toMatchObject({ status: 'succeeded', phase: 'done' });
    expect(done?.finishedAt).toBeInstanceOf(Date);
    expect(completed.at(-1)).toBe('succeeded');
    expect(raised.at(-1)?.payload).toMatchObject({ status: 'succeeded', toScore: 7 });
  });

  it('hands a transient error back for a retry while attempts remain, leaving the run alone', async () => {
    const runs = tracker();
    const run = await newRun();
    const job = { attempt: 1, payload: { userId, importId: run.id } };
    const busy = new AppError('BROKER.RATE_LIMITED', 429, 'Slow down');
    expect(await runs.failOnLastAttempt(job, busy)).toBe(busy);
    const outage = new Error('socket hang up');
    expect(await runs.failOnLastAttempt(job, outage)).toBe(outage);
    expect((await getRun(database.db, run.id))?.status).toBe('queued');
  });

  it('fails the run with a message a trader can read on the last attempt or a permanent error', async () => {
    const runs = tracker();
    for (const [attempt, error, message] of [
      [DEFAULT_ATTEMPTS, new Error('ECONNRESET at 10.0.0.7'), 'The import failed; try again later.'],
      [
        1,
        new AppError('BROKER.FORBIDDEN', 403, 'Forbidden', { detail: 'The key cannot read fills.' }),
        'The key cannot read fills.',
      ],
    ] as const) {
      const run = await newRun();
      const thrown = await runs.failOnLastAttempt({ attempt, payload: { userId, importId: run.id } }, error);
      expect(thrown).toBeInstanceOf(PermanentJobError);
      expect((thrown as Error).message).toBe(message);
      expect(await getRun(database.db, run.id)).toMatchObject({
        status: 'failed',
        phase: 'failed',
        error: message,
      });
      expect(raised.at(-1)?.payload).toMatchObject({ importId: run.id, status: 'failed', error: message });
      expect(completed.at(-1)).toBe('failed');
    }
  });
});
