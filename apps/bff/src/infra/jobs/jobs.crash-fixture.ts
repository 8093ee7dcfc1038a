/**
 * A worker process for the crash test of the job contract suite. It opens the store named by
 * JOBS_STORE, enqueues one job with a fixed id (deduped when it already exists) and processes it.
 * Its handler appends `started <attempt>` to EFFECTS_FILE, then either blocks for ever
 * (CRASH_MODE=block, so that the test can kill -9 it mid-job) or appends `done <key>` and returns
 * (CRASH_MODE=finish, which waits for the queue to drain, prints a JSON report and exits).
 */
import { appendFileSync } from 'node:fs';
import { z } from 'zod';
import { openDatabase } from '@tt/db';
import { createEmbeddedJobQueue, type JobDefinition, type JobQueue } from './index';
import { createBullMqJobQueue } from './bullmq-job-queue';
import { silentLogger, waitFor } from './jobs.test-support';

const env = process.env;
const required = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

async function openQueue(): Promise<{ queue: JobQueue; close: () => Promise<void> }> {
  const logger = silentLogger;
  const store = required('JOBS_STORE');
  if (store === 'bullmq') {
    const queue = createBullMqJobQueue({
      redisUrl: required('REDIS_URL'),
      prefix: required('JOBS_PREFIX'),
      logger,
      lockDurationMs: 1000,
      stalledIntervalMs: 500,
    });
    return { queue, close: async () => undefined };
  }
  const handle =
    store === 'pglite'
      ? await openDatabase({ driver: 'pglite', dataDir: required('PGLITE_DIR') })
      : await openDatabase({ driver: 'postgres', url: required('DATABASE_URL'), poolSize: 3 });
  const queue = createEmbeddedJobQueue({
    db: handle.db,
    driver: handle.driver,
    logger,
    leaseMs: 1000,
    pollMs: 20,
    maxPollMs: 100,
  });
  return { queue, close: handle.close };
}

const effectsFile = required('EFFECTS_FILE');
const mode = required('CRASH_MODE');

const probe: JobDefinition<{ key: string }> = {
  queue: 'q_import',
  name: 'crash.probe',
  payload: z.object({ key: z.string() }),
  async handle(job) {
    appendFileSync(effectsFile, `started ${job.attempt}\n`);
    if (mode === 'block') await new Promise<never>(() => undefined);
    appendFileSync(effectsFile, `done ${job.payload.key}\n`);
  },
};

const { queue, close } = await openQueue();
queue.register(probe);
await queue.enqueue(probe, { key: 'k1' }, { jobId: 'crash-probe' });
await queue.start();
if (mode === 'finish') {
  const drained = async () => {
    const stats = await queue.stats('q_import');
    return stats.waiting + stats.active + stats.delayed === 0;
  };
  await waitFor('the probe job to finish', drained, 20_000);
  const report = { stats: await queue.stats('q_import'), dead: await queue.deadLetters('q_import') };
  await queue.stop(1000);
  await close();
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exit(0);
}
