import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { createBullMqJobQueue } from './bullmq-job-queue';
import { jobQueueContract } from './jobs.contract';
import { silentLogger } from './jobs.test-support';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('BullMQ job queue on Redis', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(() => redis.quit());

  /** Each test has its own key prefix, so parallel runs never meet; its keys go afterwards. */
  const newPrefix = () => {
    const prefix = `tt-test:jobs:${randomUUID()}`;
    const drop = async () => {
      for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 }) as AsyncIterable<
        string[]
      >) {
        if (keys.length > 0) await redis.unlink(...keys);
      }
    };
    return { prefix, drop };
  };

  jobQueueContract({
    async newStore() {
      const { prefix, drop } = newPrefix();
      return {
        open: (options) =>
          createBullMqJobQueue({
            redisUrl: REDIS_URL,
            prefix,
            logger: silentLogger,
            lockDurationMs: 1000,
            stalledIntervalMs: 500,
            ...options,
          }),
        close: drop,
      };
    },
    async newCrashStore() {
      const { prefix, drop } = newPrefix();
      return { env: { JOBS_STORE: 'bullmq', REDIS_URL, JOBS_PREFIX: prefix }, close: drop };
    },
  });
});
