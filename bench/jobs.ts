/**
 * Throughput of no-op jobs on every job driver: the embedded runner on PGlite (in memory) and on
 * PostgreSQL, and BullMQ on Redis. Enqueues N jobs one at a time (as N requests would), then
 * starts the worker and times until all N completed. Prints one JSON object and writes it to
 * bench/results/jobs.json.
 *
 *   npx tsx bench/jobs.ts            (JOBS_BENCH_N=5000, POSTGRES_URL, REDIS_URL to override)
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import pino from 'pino';
import { z } from 'zod';
import { openDatabase } from '@tt/db';
import {
  QUEUES,
  createEmbeddedJobQueue,
  type JobDefinition,
  type JobQueue,
} from '../apps/bff/src/infra/jobs';
import { createBullMqJobQueue } from '../apps/bff/src/infra/jobs/bullmq-job-queue';

const N = Number(process.env.JOBS_BENCH_N ?? 5000);
const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = pino({ level: 'silent' });

const noop: JobDefinition<{ i: number }> = {
  queue: 'q_score',
  name: 'bench.noop',
  payload: z.object({ i: z.number().int() }),
  handle: async () => undefined,
};

interface Result {
  enqueuePerSec: number;
  processedPerSec: number;
  enqueueMs: number;
  processMs: number;
}

/** `open` is called twice: a producer (never started) enqueues, a worker drains. */
async function measure(open: () => JobQueue): Promise<Result> {
  const producer = open();
  const enqueueStart = performance.now();
  for (let i = 0; i < N; i += 1) await producer.enqueue(noop, { i });
  const enqueueMs = performance.now() - enqueueStart;

  const worker = open();
  worker.register(noop);
  let completed = 0;
  const allDone = new Promise<void>((resolve) => {
    worker.onEvent((event) => {
      if (event.type === 'completed' && ++completed === N) resolve();
    });
  });
  const processStart = performance.now();
  await worker.start();
  await allDone;
  const processMs = performance.now() - processStart;
  await worker.stop();
  await producer.stop();
  const perSec = (ms: number) => Math.round((N / ms) * 1000);
  return {
    enqueuePerSec: perSec(enqueueMs),
    processedPerSec: perSec(processMs),
    enqueueMs: Math.round(enqueueMs),
    processMs: Math.round(processMs),
  };
}

async function embeddedPglite(): Promise<Result> {
  const handle = await openDatabase({ driver: 'pglite', dataDir: null });
  try {
    return await measure(() => createEmbeddedJobQueue({ db: handle.db, driver: 'pglite', logger }));
  } finally {
    await handle.close();
  }
}

async function embeddedPostgres(): Promise<Result> {
  const database = `tt_jobs_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = Object.assign(new URL(POSTGRES_URL), { pathname: `/${database}` }).toString();
  const handle = await openDatabase({ driver: 'postgres', url });
  try {
    return await measure(() => createEmbeddedJobQueue({ db: handle.db, driver: 'postgres', logger }));
  } finally {
    await handle.close();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

async function bullmq(): Promise<Result> {
  const prefix = `tt-bench:jobs:${randomUUID()}`;
  const redis = new Redis(REDIS_URL);
  try {
    return await measure(() => createBullMqJobQueue({ redisUrl: REDIS_URL, prefix, logger }));
  } finally {
    const stream = redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<string[]>;
    for await (const keys of stream) if (keys.length > 0) await redis.unlink(...keys);
    await redis.quit();
  }
}

const report = {
  benchmark: 'jobs',
  jobs: N,
  job: 'no-op handler on q_score',
  concurrency: QUEUES.q_score.concurrency,
  enqueue: 'one at a time, awaited',
  node: process.version,
  at: new Date().toISOString(),
  drivers: {
    'embedded-pglite': await embeddedPglite(),
    'embedded-postgres': await embeddedPostgres(),
    bullmq: await bullmq(),
  },
};

const json = JSON.stringify(report, null, 2);
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
writeFileSync(`${resultsDir}jobs.json`, `${json}\n`);
console.log(json);
