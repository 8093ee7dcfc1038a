import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { loadConfig, type AppConfig } from '../config/config';
import { createLogger } from '../logger';
import { createPlatform, type Platform, type PlatformOverrides } from '../platform';
import { buildApp } from '../app';
import type { Telemetry } from '../observability/telemetry';
import { registerJobHandlers } from '../jobs';
import { createServices, type Services, type ServicesOptions } from '../modules/services';
import { FAST_TEST_ARGON2 } from '../modules/auth/auth.test-support';

export interface TestApp {
  app: FastifyInstance;
  platform: Platform;
  services: Services;
  config: AppConfig;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra environment, e.g. DATABASE_URL/REDIS_URL for the scaled drivers. */
  env?: Record<string, string>;
  overrides?: PlatformOverrides;
  /** Start the job workers in this process (default true), like embedded mode. */
  worker?: boolean;
  mountSandbox?: boolean;
  /** Service knobs; Argon2 runs at its lowest cost unless a test sets `identity.argon2`. */
  services?: ServicesOptions;
  /** Keep PGlite on disk in the temp data dir, as embedded mode runs it (default: in memory). */
  persistentDatabase?: boolean;
  /** Metrics registry and tracing (an in-memory exporter); default: a registry of its own, no tracing. */
  telemetry?: Telemetry;
  /** Where log lines go (e.g. a capture stream for secret scans); default stdout at LOG_LEVEL. */
  logDestination?: DestinationStream;
}

/** One Redis namespace per test file: suites running side by side never share queues or keys. */
const REDIS_PREFIX = `tt-test-${randomUUID().slice(0, 8)}`;

/**
 * A whole BFF on throwaway embedded drivers (in-memory PGlite unless DATABASE_URL is given, a temp
 * data dir for keys and blobs), for route tests through `app.inject`.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tt-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    METRICS_PORT: '0',
    PUBLIC_ORIGIN: 'http://127.0.0.1:3000',
    REDIS_PREFIX,
    // The vendor would be the bundled sandbox at PUBLIC_ORIGIN, which a test app does not listen on.
    MARKET_VENDOR: 'off',
    ...options.env,
  });
  // In-memory PGlite: tests never touch the disk database.
  const testConfig: AppConfig =
    config.database.driver === 'pglite' && !options.persistentDatabase
      ? { ...config, database: { driver: 'pglite', dataDir: null } }
      : config;
  const logger = createLogger(testConfig.logLevel, options.logDestination);
  const platform = await createPlatform(testConfig, logger, options.overrides, options.telemetry);
  const metrics = platform.telemetry.registry;
  const services = createServices(platform, {
    ...options.services,
    identity: { argon2: FAST_TEST_ARGON2, ...options.services?.identity },
  });
  if (options.worker !== false) {
    registerJobHandlers(platform, services, metrics);
    await platform.jobs.start();
  }
  const app = await buildApp({ platform, services, metrics, mountSandbox: options.mountSandbox ?? false });
  await app.ready();
  return {
    app,
    platform,
    services,
    config: testConfig,
    async close() {
      await app.close();
      await platform.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
