import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { idle, job, sleep, type ContractHarness } from './jobs.contract-harness';
import { spawnCrashFixture, waitFor, type FixtureProcess } from './jobs.test-support';

/** Shutdown and crash recovery: stop() with and without cooperative handlers, and kill -9. */
export function lifecycleContract(h: ContractHarness): void {
  it('stop() lets a running job finish within the grace period', async () => {
    await h.fresh();
    let finished = false;
    let started = false;
    const definition = job('brief', async () => {
      started = true;
      await sleep(150);
      finished = true;
    });
    const queue = h.open();
    const events = h.recordEvents(queue);
    queue.register(definition);
    await queue.start();
    await queue.enqueue(definition, { n: 1 });
    await waitFor('the job to start', () => started);
    await queue.stop(5000);
    expect(finished).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['completed']);
    expect(await h.open().stats('q_import')).toEqual(idle);
  });

  it('stop() aborts the signal; a job that gives up is handed back and completes after a new start', async () => {
    await h.fresh();
    const attempts: number[] = [];
    const definition = job('cooperative', async (ctx) => {
      attempts.push(ctx.attempt);
      if (ctx.attempt > 1) return;
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      throw new Error('aborted by shutdown');
    });
    const first = h.open();
    const firstEvents = h.recordEvents(first);
    first.register(definition);
    await first.start();
    await first.enqueue(definition, { n: 1 }, { jobId: 'checkpointed' });
    await waitFor('the job to start', () => attempts.length === 1);
    const stopping = performance.now();
    await first.stop(5000);
    expect(performance.now() - stopping).toBeLessThan(4000);
    expect(firstEvents).toEqual([]);
    const second = h.open();
    const events = h.recordEvents(second);
    second.register(definition);
    await second.start();
    await waitFor('the job to complete', () => events.length === 1);
    expect(events[0]).toMatchObject({ type: 'completed', jobId: 'checkpointed', attempt: 2 });
    expect(attempts).toEqual([1, 2]);
    expect(await second.stats('q_import')).toEqual(idle);
  });

  it('stop() hands back a job that outlives the grace period; it completes once after a new start', async () => {
    await h.fresh();
    const runs: { attempt: number; signal: AbortSignal }[] = [];
    let releaseFirst = () => {};
    const definition = job('stubborn', async (ctx) => {
      runs.push({ attempt: ctx.attempt, signal: ctx.signal });
      if (ctx.attempt === 1) await new Promise<void>((resolve) => (releaseFirst = resolve));
    });
    const first = h.open();
    const firstEvents = h.recordEvents(first);
    first.register(definition);
    await first.start();
    await first.enqueue(definition, { n: 1 }, { jobId: 'long-import' });
    await waitFor('the job to start', () => runs.length === 1);
    const stopping = performance.now();
    await first.stop(300);
    const stopMs = performance.now() - stopping;
    expect(stopMs).toBeGreaterThanOrEqual(290);
    expect(stopMs).toBeLessThan(3000);
    expect(runs[0]?.signal.aborted).toBe(true);
    const second = h.open();
    const events = h.recordEvents(second);
    second.register(definition);
    await second.start();
    await waitFor('the job to complete', () => events.length === 1);
    releaseFirst();
    await sleep(100);
    expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
    expect([...firstEvents, ...events].map((e) => e.type)).toEqual(['completed']);
    expect(await second.stats('q_import')).toEqual(idle);
  });

  it('runs a job again after its process was killed mid-job, and completes it exactly once', async () => {
    const crashStore = await h.driver.newCrashStore();
    h.defer(() => crashStore.close());
    const effects = join(tmpdir(), `tt-jobs-crash-${randomUUID()}.log`);
    writeFileSync(effects, '');
    h.defer(async () => rmSync(effects, { force: true }));
    const children: FixtureProcess[] = [];
    h.defer(async () => children.forEach(({ child }) => child.exitCode === null && child.kill('SIGKILL')));
    const lines = () => readFileSync(effects, 'utf8').trim().split('\n').filter(Boolean);

    const first = spawnCrashFixture({ ...crashStore.env, EFFECTS_FILE: effects, CRASH_MODE: 'block' });
    children.push(first);
    await waitFor(
      'the first process to start the job',
      () => {
        if (first.child.exitCode !== null) throw new Error('The first process exited early');
        return lines().includes('started 1');
      },
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${first.output()}`);
    });
    first.child.kill('SIGKILL');
    expect((await first.exited).code).toBeNull();

    const second = spawnCrashFixture({ ...crashStore.env, EFFECTS_FILE: effects, CRASH_MODE: 'finish' });
    children.push(second);
    const { code, stdout, stderr } = await second.exited;
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as unknown;
    expect(report).toEqual({ stats: idle, dead: [] });
    expect(lines()).toEqual(['started 1', 'started 2', 'done k1']);
  }, 60_000);
}
