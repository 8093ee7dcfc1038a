import { expect, it } from 'vitest';
import { z } from 'zod';
import { PermanentJobError, type JobDefinition } from './index';
import {
  createContractHarness,
  idle,
  job,
  sleep,
  type DriverUnderTest,
  type Payload,
} from './jobs.contract-harness';
import { lifecycleContract } from './jobs.contract-lifecycle';
import { waitFor } from './jobs.test-support';

export type {
  CrashStoreUnderTest,
  DriverUnderTest,
  QueueUnderTestOptions,
  StoreUnderTest,
} from './jobs.contract-harness';

/**
 * The semantics every JobQueue driver must have. Call it inside a `describe` of a driver's test
 * file; each test gets a fresh store and every queue it opens is stopped afterwards.
 */
export function jobQueueContract(driver: DriverUnderTest): void {
  const h = createContractHarness(driver);

  it('runs a job with its id, name, payload and first attempt', async () => {
    await h.fresh();
    const seen: unknown[] = [];
    const definition = job('runs', async (ctx) => {
      seen.push({ id: ctx.id, name: ctx.name, payload: ctx.payload, attempt: ctx.attempt });
    });
    const queue = h.open();
    const events = h.recordEvents(queue);
    queue.register(definition);
    await queue.ping();
    await queue.start();
    const { jobId, deduped } = await queue.enqueue(definition, { n: 7 });
    expect(deduped).toBe(false);
    await waitFor('the job to complete', () => events.length === 1);
    expect(seen).toEqual([{ id: jobId, name: 'runs', payload: { n: 7 }, attempt: 1 }]);
    expect(events[0]).toMatchObject({
      type: 'completed',
      queue: 'q_import',
      name: 'runs',
      jobId,
      attempt: 1,
    });
    expect(await queue.stats('q_import')).toEqual(idle);
  });

  it('rejects an invalid payload or job id on enqueue and stores nothing', async () => {
    await h.fresh();
    const queue = h.open();
    const definition = job('validated', async () => undefined);
    const invalid = { n: 'seven' } as unknown as Payload;
    await expect(queue.enqueue(definition, invalid)).rejects.toMatchObject({ code: 'JOBS.INVALID_PAYLOAD' });
    for (const jobId of ['', '42', 'a:b']) {
      await expect(queue.enqueue(definition, { n: 1 }, { jobId })).rejects.toMatchObject({
        code: 'JOBS.INVALID_OPTIONS',
      });
    }
    expect(await queue.stats('q_import')).toEqual(idle);
  });

  it('dead-letters a stored job whose payload no longer fits its schema, without running it', async () => {
    await h.fresh();
    const before = job('reshaped', async () => undefined);
    const calls: number[] = [];
    const after: JobDefinition<{ n: string }> = {
      queue: 'q_import',
      name: 'reshaped',
      payload: z.object({ n: z.string() }),
      handle: async () => void calls.push(1),
    };
    await h.open().enqueue(before, { n: 1 }, { jobId: 'old-shape' });
    const worker = h.open();
    worker.register(after);
    await worker.start();
    await waitFor('a dead letter', async () => (await worker.stats('q_import')).dead === 1);
    const [dead] = await worker.deadLetters('q_import');
    expect(dead).toMatchObject({ jobId: 'old-shape', name: 'reshaped', attempts: 1, payload: { n: 1 } });
    expect(dead?.error).toMatch(/payload/i);
    expect(calls).toEqual([]);
  });

  it('retries a failing job with exponential backoff', async () => {
    await h.fresh();
    const base = 40;
    const startedAt: number[] = [];
    const definition = job('flaky', async (ctx) => {
      startedAt.push(performance.now());
      if (ctx.attempt < 4) throw new Error(`flake ${ctx.attempt}`);
    });
    const queue = h.open({ backoffBaseMs: base });
    const events = h.recordEvents(queue);
    queue.register(definition);
    await queue.start();
    await queue.enqueue(definition, { n: 1 });
    await waitFor('the fourth attempt to complete', () => events.some((e) => e.type === 'completed'));
    const gaps = startedAt.slice(1).map((t, i) => t - startedAt[i]!);
    const expected = [base, base * 2, base * 4];
    expect(gaps).toHaveLength(3);
    gaps.forEach((gap, i) => {
      expect(gap, `gap before attempt ${i + 2}`).toBeGreaterThanOrEqual(expected[i]! - 5);
      expect(gap, `gap before attempt ${i + 2}`).toBeLessThan(expected[i]! + 500);
    });
    expect(events.map((e) => e.type)).toEqual([
      ...['failed', 'retried', 'failed', 'retried', 'failed', 'retried'],
      'completed',
    ]);
    expect(events.filter((e) => e.type === 'retried').map((e) => e.retryInMs)).toEqual(expected);
  });

  it('moves a job to the dead letters after 5 failed attempts, with its last error', async () => {
    await h.fresh();
    const attempts: number[] = [];
    const definition = job('doomed', async (ctx) => {
      attempts.push(ctx.attempt);
      throw new Error(`boom ${ctx.attempt}`);
    });
    const queue = h.open({ backoffBaseMs: 5 });
    const events = h.recordEvents(queue);
    queue.register(definition);
    await queue.start();
    const { jobId } = await queue.enqueue(definition, { n: 5 });
    await waitFor('a dead letter', () => events.some((e) => e.type === 'dead'));
    await waitFor('the dead letter to be listed', async () => (await queue.stats('q_import')).dead === 1);
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect(await queue.deadLetters('q_import')).toEqual([
      { jobId, name: 'doomed', error: 'boom 5', attempts: 5, payload: { n: 5 } },
    ]);
    expect(await queue.stats('q_import')).toEqual({ ...idle, dead: 1 });
  });

  it('moves a job that throws PermanentJobError to the dead letters at once', async () => {
    await h.fresh();
    let calls = 0;
    const definition = job('hopeless', async () => {
      calls += 1;
      throw new PermanentJobError('grant revoked');
    });
    const queue = h.open({ backoffBaseMs: 5 });
    queue.register(definition);
    await queue.start();
    const { jobId } = await queue.enqueue(definition, { n: 1 });
    await waitFor('a dead letter', async () => (await queue.stats('q_import')).dead === 1);
    expect(calls).toBe(1);
    expect(await queue.deadLetters('q_import')).toEqual([
      { jobId, name: 'hopeless', error: 'grant revoked', attempts: 1, payload: { n: 1 } },
    ]);
  });

  it('dedupes concurrent enqueues of one job id into one run, and frees the id once completed', async () => {
    await h.fresh();
    let runs = 0;
    const definition = job('once', async () => void (runs += 1));
    const queue = h.open();
    queue.register(definition);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => queue.enqueue(definition, { n: 1 }, { jobId: 'user-1-import' })),
    );
    expect(results.filter((r) => !r.deduped)).toHaveLength(1);
    expect(new Set(results.map((r) => r.jobId))).toEqual(new Set(['user-1-import']));
    expect(await queue.stats('q_import')).toEqual({ ...idle, waiting: 1 });
    await queue.start();
    await waitFor('the job to run', async () => runs === 1 && (await queue.stats('q_import')).active === 0);
    await sleep(100);
    expect(runs).toBe(1);
    expect(await queue.enqueue(definition, { n: 2 }, { jobId: 'user-1-import' })).toEqual({
      jobId: 'user-1-import',
      deduped: false,
    });
    await waitFor('the job to run again', () => runs === 2);
  });

  it('dedupes a job id while that job is delayed, active or dead', async () => {
    await h.fresh();
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const busy = job('busy', () => gate);
    const broken = job('broken', async () => {
      throw new PermanentJobError('no');
    });
    const later = job('later', async () => undefined);
    const queue = h.open();
    queue.register(busy);
    queue.register(broken);
    queue.register(later);
    await queue.start();
    expect((await queue.enqueue(later, { n: 1 }, { jobId: 'in-a-minute', delayMs: 60_000 })).deduped).toBe(
      false,
    );
    expect((await queue.enqueue(later, { n: 1 }, { jobId: 'in-a-minute' })).deduped).toBe(true);
    await queue.enqueue(busy, { n: 1 }, { jobId: 'running' });
    await waitFor('the job to be active', async () => (await queue.stats('q_import')).active === 1);
    expect((await queue.enqueue(busy, { n: 1 }, { jobId: 'running' })).deduped).toBe(true);
    await queue.enqueue(broken, { n: 1 }, { jobId: 'buried' });
    await waitFor('a dead letter', async () => (await queue.stats('q_import')).dead === 1);
    expect((await queue.enqueue(broken, { n: 1 }, { jobId: 'buried' })).deduped).toBe(true);
    release();
    expect(await queue.stats('q_import')).toMatchObject({ delayed: 1, dead: 1 });
  });

  it('never runs more jobs of a queue at once than its concurrency', async () => {
    await h.fresh();
    let current = 0;
    let highest = 0;
    let done = 0;
    const definition: JobDefinition<Payload> = {
      ...job('crowded', async () => {
        current += 1;
        highest = Math.max(highest, current);
        await sleep(60);
        current -= 1;
        done += 1;
      }),
      queue: 'q_sim',
    };
    const queue = h.open({ concurrency: { q_sim: 3 } });
    queue.register(definition);
    for (let n = 0; n < 10; n += 1) await queue.enqueue(definition, { n });
    await queue.start();
    await waitFor('all ten jobs', () => done === 10);
    expect(highest).toBe(3);
  });

  it('runs a delayed job no sooner than its delay', async () => {
    await h.fresh();
    let ranAt = 0;
    const definition = job('delayed', async () => void (ranAt = performance.now()));
    const queue = h.open();
    queue.register(definition);
    await queue.start();
    const enqueuedAt = performance.now();
    await queue.enqueue(definition, { n: 1 }, { delayMs: 400 });
    expect(await queue.stats('q_import')).toEqual({ ...idle, delayed: 1 });
    await waitFor('the delayed job', () => ranAt > 0);
    expect(ranAt - enqueuedAt).toBeGreaterThanOrEqual(395);
  });

  lifecycleContract(h);
}
