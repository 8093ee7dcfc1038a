import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Platform } from './platform';
import problems, { answerClientError, answerFrameworkError } from './plugins/problems';
import securityHeaders from './plugins/security-headers';
import health from './plugins/health';
import httpMetrics from './plugins/metrics';
import requestScope from './observability/request-scope.plugin';
import webApp from './plugins/web-app';
import { registerModules } from './modules';
import type { Services } from './modules/services';

export interface BuildAppOptions {
  platform: Platform;
  services: Services;
  metrics: Registry;
  /** Built web app to serve; omitted in API-only tests. */
  webRoot?: string;
  /** Mount the broker sandbox under /sandbox (embedded mode without real Coinbase credentials). */
  mountSandbox?: boolean;
  logger?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Builds the BFF: config and infrastructure come in ready (the platform), then cross-cutting
 * plugins in order (errors, headers, metrics, health), then the feature modules, then the web app.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { platform } = options;
  const app = Fastify({
    loggerInstance: options.logger === false ? undefined : (platform.logger as FastifyBaseLogger),
    ...(options.logger === false ? { logger: false } : {}),
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    return503OnClosing: true,
    // A caller's request id is kept when it looks like one, so a trace follows a request across hops.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Errors before any route (undecodable URLs, bytes the HTTP parser refuses) are problems too.
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  await app.register(problems);
  await app.register(requestScope, { tracing: platform.telemetry.tracing.enabled });
  await app.register(securityHeaders, {
    llmOrigin: platform.config.llm ? new URL(platform.config.llm.baseUrl).origin : undefined,
  });
  await app.register(httpMetrics, { registry: options.metrics });
  await app.register(health, {
    checks: [
      { name: 'database', driver: platform.drivers.database, check: platform.database.ping },
      { name: 'queue', driver: platform.drivers.queue, check: () => platform.jobs.ping() },
      { name: 'cache', driver: platform.drivers.cache, check: () => platform.cache.ping() },
      { name: 'ml', driver: platform.drivers.ml, check: () => platform.ml.ping() },
    ],
  });
  await registerModules(app, {
    platform,
    services: options.services,
    metrics: options.metrics,
    mountSandbox: options.mountSandbox ?? false,
  });
  if (options.webRoot) await app.register(webApp, { root: options.webRoot });
  return app;
}
