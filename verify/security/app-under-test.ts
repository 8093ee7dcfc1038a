import { randomBytes, randomUUID } from 'node:crypto';
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { startSandbox } from '@tt/broker-sandbox';
import { loadConfig, type AppConfig } from '../../apps/bff/src/config/config';
import { createLogger } from '../../apps/bff/src/logger';
import { createPlatform, type Platform } from '../../apps/bff/src/platform';
import { buildApp } from '../../apps/bff/src/app';
import { registerJobHandlers } from '../../apps/bff/src/jobs';
import { createServices, type Services } from '../../apps/bff/src/modules/services';
import { FAST_TEST_ARGON2, TEST_ORIGIN } from '../../apps/bff/src/modules/auth/auth.test-support';
import { sandboxEnv, type RunningSandbox } from '../../apps/bff/src/test-support/sandbox-broker';
import { createTempDatabase, type TempDatabase } from '../../apps/bff/src/test-support/temp-database';
import { NodeProcess, ROOT, freePort, waitHealthy } from '../lib/processes';
import { REDIS_URL, deleteRedisNamespace } from '../lib/services';

export const WEB_ROOT = join(ROOT, 'apps/web/dist');

/**
 * The product under attack: the whole BFF with its job workers, built by the same `buildApp` as
 * `npm start`, with the web app and the mounted broker sandbox (so every route a deployment can
 * expose is there), on scaled drivers (a throwaway PostgreSQL database, a Redis namespace, the ML
 * service as its own HMAC-checking process) and listening on 127.0.0.1. Every log line, at `trace`,
 * is kept for the secret scan.
 */
export interface AppUnderTest {
  app: FastifyInstance;
  platform: Platform;
  services: Services;
  config: AppConfig;
  base: string;
  origin: string;
  sandbox: RunningSandbox;
  ml: { url: string; secret: string; process: NodeProcess };
  database: TempDatabase;
  redisPrefix: string;
  logs: string[];
  close(): Promise<void>;
}

/** Builds apps/web/dist when it is missing (a fresh clone in CI); the static-file checks need it. */
export function ensureWebBuilt(): void {
  if (existsSync(join(WEB_ROOT, 'index.html'))) return;
  process.stderr.write('building the web app (apps/web/dist is missing)\n');
  execSync('npm run build -w apps/web', { cwd: ROOT, stdio: 'ignore', timeout: 300_000 });
}

export async function startAppUnderTest(logDir: string): Promise<AppUnderTest> {
  ensureWebBuilt();
  const sandbox = await startSandbox({ port: 0 });
  const database = await createTempDatabase('tt_verify_sec');
  const redisPrefix = `tt-verify-sec-${randomUUID().slice(0, 8)}`;
  const mlPort = await freePort();
  const mlSecret = randomBytes(32).toString('hex');
  const mlUrl = `http://127.0.0.1:${mlPort}`;
  const ml = new NodeProcess(
    'ml',
    'services/ml/src/main.ts',
    [],
    { ML_PORT: String(mlPort), HOST: '127.0.0.1', ML_HMAC_SECRET: mlSecret, LOG_LEVEL: 'warn' },
    join(logDir, 'ml.log'),
  );
  await waitHealthy(mlUrl, '/healthz');

  const dataDir = mkdtempSync(join(tmpdir(), 'tt-verify-sec-'));
  const config = loadConfig({
    ...sandboxEnv(sandbox, { BINANCE_ENABLED: '1' }),
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    ML_URL: mlUrl,
    ML_HMAC_SECRET: mlSecret,
    PUBLIC_ORIGIN: TEST_ORIGIN,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    SYNC_INTERVAL_MINUTES: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'trace',
  });
  const logs: string[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger('trace', capture);
  const platform = await createPlatform(config, logger);
  const services = createServices(platform, { identity: { argon2: FAST_TEST_ARGON2 } });
  registerJobHandlers(platform, services, platform.telemetry.registry);
  await platform.jobs.start();
  const app = await buildApp({
    platform,
    services,
    metrics: platform.telemetry.registry,
    webRoot: WEB_ROOT,
    mountSandbox: true,
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    platform,
    services,
    config,
    base,
    origin: TEST_ORIGIN,
    sandbox,
    ml: { url: mlUrl, secret: mlSecret, process: ml },
    database,
    redisPrefix,
    logs,
    async close() {
      await app.close();
      await platform.close();
      await ml.stop();
      await sandbox.close();
      await deleteRedisNamespace(redisPrefix).catch(() => undefined);
      await database.drop().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
