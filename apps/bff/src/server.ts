import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Server } from 'node:http';
import { ConfigError, loadConfig, type AppConfig } from './config/config';
import { createLogger, type Logger } from './logger';
import { createPlatform, type Platform } from './platform';
import { buildApp } from './app';
import { createTelemetry } from './observability/telemetry';
import { startMetricsServer } from './observability/metrics-server';
import { registerJobHandlers } from './jobs';
import { createServices } from './modules/services';

export type Role = 'all' | 'bff' | 'worker';

const WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));
const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningProcess {
  platform: Platform;
  app: FastifyInstance | undefined;
  url: string | undefined;
  stop(): Promise<void>;
}

/** Parses the config before anything else starts; a bad value ends the process naming the variable. */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
}

/**
 * Starts one process in a role: `all` (embedded: HTTP, worker and ML in one), `bff` (HTTP only)
 * or `worker` (jobs only). Shutdown runs in order: HTTP and sockets, workers, pools.
 */
export async function startProcess(
  config: AppConfig,
  role: Role,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningProcess> {
  const telemetry = await createTelemetry({
    serviceName: role === 'worker' ? 'tt-worker' : 'tt-bff',
    otlpEndpoint: config.otlpEndpoint,
  });
  const metrics = telemetry.registry;
  const platform = await createPlatform(config, logger, {}, telemetry);
  const services = createServices(platform);
  if (role !== 'bff') {
    registerJobHandlers(platform, services, metrics);
    await platform.jobs.start();
    // Weekly digests and periodic imports: queued by a repeating tick in every worker (deduplicated).
    await services.scheduler.start();
  }
  let app: FastifyInstance | undefined;
  let url: string | undefined;
  if (role !== 'worker') {
    app = await buildApp({
      platform,
      services,
      metrics,
      webRoot: WEB_ROOT,
      mountSandbox: config.brokers.sandbox && !config.env.COINBASE_CLIENT_ID,
    });
    url = await app.listen({ host: config.http.host, port: config.http.port });
  }
  let metricsServer: Server | undefined;
  if (config.http.metricsPort > 0) {
    metricsServer = await startMetricsServer(metrics, config.http.host, config.http.metricsPort, {
      ready: () => checkProcessReady(platform),
    }).catch((err: Error) => {
      logger.warn({ err: { message: err.message } }, 'metrics listener not started');
      return undefined;
    });
  }
  logger.info({ role, url, drivers: platform.drivers }, 'trading twin started');

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      services.scheduler.stop();
      await app?.close();
      await new Promise<void>((resolve) =>
        metricsServer ? metricsServer.close(() => resolve()) : resolve(),
      );
      await platform.close();
      await telemetry.tracing.shutdown();
    })();
    return stopping;
  };
  return { platform, app, url, stop };
}

/** Readiness on the metrics listener (where the worker role is probed): database and queue answer. */
async function checkProcessReady(platform: Platform): Promise<void> {
  await platform.database.ping().catch((error: Error) => {
    throw new Error(`database: ${error.message}`);
  });
  await platform.jobs.ping().catch((error: Error) => {
    throw new Error(`queue: ${error.message}`);
  });
}

/** Wires SIGTERM/SIGINT to a graceful stop, forced after the grace window. */
export function exitOnSignals(running: RunningProcess, logger: Logger): void {
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown grace window passed; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    running
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
