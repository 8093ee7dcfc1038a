import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '@tt/broker-sandbox';
import { sandboxEnv, type RunningSandbox } from '../../apps/bff/src/test-support/sandbox-broker';
import { createTempDatabase, type TempDatabase } from '../../apps/bff/src/test-support/temp-database';
import { TEST_ORIGIN } from '../../apps/bff/src/modules/auth/auth.test-support';
import { NodeProcess, freePort, waitFor, waitHealthy } from '../lib/processes';
import { REDIS_URL, deleteRedisNamespace } from '../lib/services';
import { createInspector, inspectEmbeddedDataDir, type Inspector } from './inspector';

export type Mode = 'embedded' | 'scaled';

/** One running product: its processes, the sandbox exchange they talk to, and a way to look inside. */
export interface Deployment {
  mode: Mode;
  /** The BFF's base URL. */
  base: string;
  /** Every BFF process's base URL (`base` first); see `addBff`. */
  bases: string[];
  origin: string;
  sandbox: RunningSandbox;
  /** Embedded: the one process (HTTP, jobs, ML). Scaled: the BFF role. */
  bff: NodeProcess;
  worker: NodeProcess | undefined;
  ml: NodeProcess | undefined;
  /** The BFF's Prometheus listener (heap, event loop). */
  metricsUrl: string;
  /** The worker's, in scaled mode. */
  workerMetricsUrl: string | undefined;
  database: TempDatabase | undefined;
  redisPrefix: string | undefined;
  env: Record<string, string>;
  /** Scaled mode: one more `--role=bff` process on the same database and Redis, as a deployment scales out. */
  addBff(): Promise<string>;
  /** Live for scaled (PostgreSQL and BullMQ); for embedded it stops the process and opens its data dir. */
  inspect(): Promise<Inspector>;
  waitReady(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const SESSION_SECRET = 'verify-session-secret-0123456789abcdef';

export interface DeploymentOptions {
  mode: Mode;
  /** Where child logs go. */
  logDir: string;
  logLevel?: string;
}

/**
 * Starts the product the way an operator does: `apps/bff/src/main.ts` (embedded, everything in one
 * process on PGlite), or `--role=bff` + `worker.ts` + the ML service on a throwaway PostgreSQL
 * database and a Redis namespace of its own (scaled). The sandbox exchange runs in this process
 * with its clock frozen at start, so the independent fill count cannot drift while a run is on.
 */
export async function startDeployment(options: DeploymentOptions): Promise<Deployment> {
  const frozen = new Date();
  // The vendor's budget is roomy: the scenarios test its faults, not its plan.
  const sandbox = await startSandbox({ port: 0, now: () => frozen, vendorRequestsPerMinute: 600 });
  const port = await freePort();
  const metricsPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `tt-verify-${options.mode}-`));
  const env: Record<string, string> = {
    ...sandboxEnv(sandbox, { BINANCE_ENABLED: '0' }),
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    PUBLIC_ORIGIN: TEST_ORIGIN,
    SESSION_SECRET,
    SYNC_INTERVAL_MINUTES: '0',
    // Crashed work is taken over within seconds rather than the production 30 s.
    JOB_LEASE_MS: '3000',
    LOG_LEVEL: options.logLevel ?? 'warn',
    MARKET_VENDOR: 'twelvedata',
    MARKET_VENDOR_BASE_URL: `${sandbox.url}/vendor/twelvedata`,
    MARKET_VENDOR_API_KEY: 'tt-verify-vendor-key',
    MARKET_VENDOR_REQUESTS_PER_MINUTE: '600',
  };
  let database: TempDatabase | undefined;
  let redisPrefix: string | undefined;
  let ml: NodeProcess | undefined;
  let worker: NodeProcess | undefined;
  if (options.mode === 'scaled') {
    database = await createTempDatabase('tt_verify');
    redisPrefix = `tt-verify-${randomUUID().slice(0, 8)}`;
    const mlPort = await freePort();
    const hmacSecret = randomBytes(32).toString('hex');
    ml = new NodeProcess(
      'ml',
      'services/ml/src/main.ts',
      [],
      {
        ML_PORT: String(mlPort),
        HOST: '127.0.0.1',
        ML_HMAC_SECRET: hmacSecret,
        REDIS_URL,
        LOG_LEVEL: 'warn',
      },
      join(options.logDir, 'ml.log'),
    );
    Object.assign(env, {
      DATABASE_URL: database.url,
      REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      ML_URL: `http://127.0.0.1:${mlPort}`,
      ML_HMAC_SECRET: hmacSecret,
    });
    await waitHealthy(env.ML_URL!, '/healthz');
  }
  const bff =
    options.mode === 'embedded'
      ? new NodeProcess('embedded', 'apps/bff/src/main.ts', [], env, join(options.logDir, 'embedded.log'))
      : new NodeProcess('bff', 'apps/bff/src/main.ts', ['--role=bff'], env, join(options.logDir, 'bff.log'));
  const base = `http://127.0.0.1:${port}`;
  let workerMetrics: string | undefined;
  if (options.mode === 'scaled') {
    // The BFF applies the migrations first; the worker starts on a ready schema.
    await waitHealthy(base, '/readyz');
    const workerMetricsPort = await freePort();
    workerMetrics = `http://127.0.0.1:${workerMetricsPort}`;
    worker = new NodeProcess(
      'worker',
      'apps/bff/src/worker.ts',
      [],
      { ...env, METRICS_PORT: String(workerMetricsPort) },
      join(options.logDir, 'worker.log'),
    );
  }

  const extraBffs: NodeProcess[] = [];
  const deployment: Deployment = {
    mode: options.mode,
    base,
    bases: [base],
    origin: TEST_ORIGIN,
    sandbox,
    bff,
    worker,
    ml,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    workerMetricsUrl: workerMetrics,
    database,
    redisPrefix,
    env,
    async waitReady(timeoutMs = 180_000) {
      await waitHealthy(base, '/readyz', timeoutMs);
      if (workerMetrics) await waitHealthy(workerMetrics, '/readyz', timeoutMs);
    },
    async addBff() {
      const extraPort = await freePort();
      const extra = new NodeProcess(
        `bff-${extraBffs.length + 2}`,
        'apps/bff/src/main.ts',
        ['--role=bff'],
        { ...env, PORT: String(extraPort), METRICS_PORT: '0' },
        join(options.logDir, `bff-${extraBffs.length + 2}.log`),
      );
      extraBffs.push(extra);
      const extraBase = `http://127.0.0.1:${extraPort}`;
      await waitHealthy(extraBase, '/readyz');
      deployment.bases.push(extraBase);
      return extraBase;
    },
    async inspect() {
      if (options.mode === 'scaled') return createInspector({ databaseUrl: database!.url, redisPrefix });
      await bff.stop();
      return inspectEmbeddedDataDir(join(dataDir, 'pg'));
    },
    async close() {
      await Promise.all([bff.stop(), worker?.stop(), ml?.stop(), ...extraBffs.map((p) => p.stop())]);
      await sandbox.close();
      if (redisPrefix) await deleteRedisNamespace(redisPrefix).catch(() => undefined);
      await database?.drop().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await deployment.waitReady();
  return deployment;
}

/** Waits until the BFF answers again after a fault (its own readiness: database, queue, ML). */
export async function waitBffServing(deployment: Deployment, timeoutMs = 120_000): Promise<void> {
  await waitFor(
    'the BFF to answer',
    async () => (await fetch(`${deployment.base}/healthz`)).ok,
    timeoutMs,
    100,
  );
}
