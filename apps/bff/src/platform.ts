import type { Redis } from 'ioredis';
import { openDatabase, type DatabaseHandle } from '@tt/db';
import { createHttpMlClient, createInProcessMlClient, type MlClient } from '@tt/ml';
import type { AppConfig } from './config/config';
import type { Logger } from './logger';
import { createMemoryCache, createRedisCache, type Cache } from './infra/cache';
import { createMemoryPubSub, createRedisPubSub, type PubSub } from './infra/pubsub';
import { createFileBlobStore, type BlobStore } from './infra/blobs';
import { createVault, loadFileKeyStore, parseKeySpec, type KeyStore, type Vault } from './infra/keys';
import { createEmbeddedJobQueue, type JobQueue } from './infra/jobs';
import { untracedTelemetry, type Telemetry } from './observability/telemetry';
import { traceDatabase } from './observability/database.traced';
import { withJobContext } from './observability/job-context';
import { instrumentMlClient } from './observability/ml-client.instrumented';

/** Everything outside the process, behind its port. Features receive the parts they use. */
export interface Platform {
  config: AppConfig;
  logger: Logger;
  database: DatabaseHandle;
  jobs: JobQueue;
  cache: Cache;
  pubsub: PubSub;
  blobs: BlobStore;
  keys: KeyStore;
  vault: Vault;
  ml: MlClient;
  /** The Redis connection in scaled mode, for libraries that take a client (rate limits). */
  redis: Redis | undefined;
  /** The process's metrics and tracing; the ports above already report into it. */
  telemetry: Telemetry;
  /** Which driver each port runs on, as /readyz reports it. */
  drivers: Record<'database' | 'queue' | 'cache' | 'pubsub' | 'blobs' | 'keys' | 'ml', string>;
  close(): Promise<void>;
}

export interface PlatformOverrides {
  ml?: MlClient;
  jobs?: (database: DatabaseHandle, redis: Redis | undefined) => JobQueue;
}

/**
 * The composition root: the only place that decides, from the config, which driver backs each
 * port. Embedded when nothing is configured; each scaled driver switches on with its variable.
 */
export async function createPlatform(
  config: AppConfig,
  logger: Logger,
  overrides: PlatformOverrides = {},
  telemetry: Telemetry = untracedTelemetry(),
): Promise<Platform> {
  const tracing = telemetry.tracing.enabled;
  const opened = await openDatabase(config.database);
  const database = tracing ? traceDatabase(opened) : opened;
  const redis = config.redisUrl
    ? new (await import('ioredis')).Redis(config.redisUrl, {
        maxRetriesPerRequest: 3,
        enableOfflineQueue: true,
        lazyConnect: false,
      })
    : undefined;
  redis?.on('error', (err) => logger.warn({ err: { message: err.message } }, 'redis connection error'));

  const prefix = config.redisPrefix;
  const cache = redis ? createRedisCache(redis, `${prefix}:cache:`) : createMemoryCache();
  const pubsub = redis ? createRedisPubSub(redis, `${prefix}:events:`) : createMemoryPubSub();
  // The queue's own polling and claiming stay out of the traces: they are not a request's work.
  const jobDriver = overrides.jobs
    ? overrides.jobs(opened, redis)
    : config.redisUrl
      ? // Scaled drivers load only when configured: their SDKs cost a second of start-up.
        (await import('./infra/jobs/bullmq-job-queue')).createBullMqJobQueue({
          redisUrl: config.redisUrl,
          prefix: `${prefix}:jobs`,
          logger,
          lockDurationMs: config.jobLeaseMs,
          stalledIntervalMs: config.jobLeaseMs,
        })
      : createEmbeddedJobQueue({ db: opened.db, driver: opened.driver, logger, leaseMs: config.jobLeaseMs });
  // Request id and trace context travel with every job; outcomes and depth feed the metrics.
  const jobs = withJobContext(jobDriver, { tracing });
  telemetry.metrics.observeJobQueue(jobs, logger);
  const blobs =
    config.blobs.driver === 's3'
      ? (await import('./infra/blobs/s3-blob-store')).createS3BlobStore(config.blobs)
      : createFileBlobStore(config.blobs.dir);
  const keys =
    config.keys.driver === 'env' ? parseKeySpec(config.keys.spec) : loadFileKeyStore(config.keys.dir);
  const ml = instrumentMlClient(
    overrides.ml ??
      (config.ml.mode === 'http'
        ? createHttpMlClient({ baseUrl: config.ml.url, hmacSecret: config.ml.hmacSecret })
        : createInProcessMlClient({
            ...(config.llm ? { llm: config.llm } : {}),
            onLlmFallback: telemetry.metrics.llmFallback,
          })),
    telemetry.metrics.ml,
    { tracing },
  );

  return {
    config,
    logger,
    database,
    jobs,
    cache,
    pubsub,
    blobs,
    keys,
    vault: createVault(keys),
    ml,
    redis,
    telemetry,
    drivers: {
      database: database.driver,
      queue: jobs.driver,
      cache: redis ? 'redis' : 'memory',
      pubsub: redis ? 'redis' : 'memory',
      blobs: config.blobs.driver,
      keys: config.keys.driver,
      ml: config.ml.mode,
    },
    // Workers first (they hold jobs), then fan-out and cache, then the pools.
    async close() {
      await jobs.stop();
      await pubsub.close();
      await cache.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
      await database.close();
    },
  };
}
