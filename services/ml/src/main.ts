import { Redis } from 'ioredis';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createMemoryNonceStore, createRedisNonceStore } from './auth/auth.nonce-store';
import { ConfigError, loadMlConfig, type MlConfig } from './config';
import { createMlApp } from './http/ml.app';
import { startOtlpTracing } from './telemetry';

/** How long in-flight requests get to finish after SIGTERM before the process gives up. */
const SHUTDOWN_GRACE_MS = 10_000;

function configOrExit(): MlConfig {
  try {
    return loadMlConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
    : undefined;
  if (redis) await redis.connect();
  const stopTracing = config.otlpEndpoint ? await startOtlpTracing(config.otlpEndpoint) : undefined;
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const app = createMlApp({
    hmacSecret: config.hmacSecret,
    nonceStore: redis ? createRedisNonceStore({ redis }) : createMemoryNonceStore(),
    bodyLimitBytes: config.bodyLimitBytes,
    llm: config.llm,
    logger: { level: config.logLevel },
    metrics,
    tracing: stopTracing !== undefined,
  });
  if (redis) app.addHook('onClose', async () => void (await redis.quit()));
  if (stopTracing) app.addHook('onClose', stopTracing);

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  await app.listen({ port: config.port, host: config.host });
}

main().catch((error: unknown) => {
  console.error('ML service failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
