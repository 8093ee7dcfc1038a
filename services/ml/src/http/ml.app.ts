import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type {
  BiasScoreBatchRequest,
  BiasScoreRequest,
  IndicatorBatchRequest,
  IndicatorRequest,
  ReflectRequest,
} from '@tt/shared';
import { installProblemHandlers } from '@tt/shared/http';
import { installSignedRequestAuth } from '../auth/auth.hooks';
import type { NonceStore } from '../auth/auth.nonce-store';
import { createInProcessMlClient } from '../client/client.in-process';
import { MlErrors } from '../ml.errors';
import type { LlmOptions } from '../reflect/reflect.llm';
import type { Registry } from 'prom-client';
import { installMetrics, installServerSpans } from './ml.observability';

export const DEFAULT_BODY_LIMIT_BYTES = 8 * 1024 * 1024;
export const MIN_HMAC_SECRET_LENGTH = 32;

export interface MlAppOptions {
  /** Shared with the BFF (`ML_HMAC_SECRET`); at least 32 characters. */
  hmacSecret: string;
  /** Where used request nonces are remembered (Redis when several instances share traffic). */
  nonceStore: NonceStore;
  /** Larger bodies get 413 ML.BODY_TOO_LARGE. Default 8 MiB. */
  bodyLimitBytes?: number;
  /** OpenAI-compatible endpoint for reflections; the offline coach answers without it. */
  llm?: LlmOptions;
  /** A pino logger, pino options such as `{ level }`, true for Fastify's default, false (the default) for none. */
  logger?: FastifyBaseLogger | { level: string } | boolean;
  /** Clock for the timestamp check. Default: Date.now. */
  now?: () => number;
  /**
   * Serve `GET /metrics` (unsigned, like the health routes: the port is reachable only inside the
   * cluster) from this registry, with the LLM fallback counter on it. Default: no metrics.
   */
  metrics?: Registry;
  /** A server span per request, continuing the caller's `traceparent`. Default false. */
  tracing?: boolean;
}

function isLoggerInstance(logger: MlAppOptions['logger']): logger is FastifyBaseLogger {
  return typeof logger === 'object' && 'child' in logger;
}

/**
 * The ML service (DESIGN.md §5): health endpoints in the open, every `/v1` route behind the
 * signed-request check, bodies validated by the shared Zod contracts, errors as problem+json.
 * Call `ready()` or `listen()` on the result.
 */
export function createMlApp(options: MlAppOptions): FastifyInstance {
  if (options.hmacSecret.length < MIN_HMAC_SECRET_LENGTH) {
    throw new Error(`hmacSecret must be at least ${MIN_HMAC_SECRET_LENGTH} characters`);
  }
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const { logger = false } = options;
  const app: FastifyInstance = isLoggerInstance(logger)
    ? Fastify({ loggerInstance: logger, bodyLimit })
    : Fastify({ logger, bodyLimit });
  installProblemHandlers(app);
  if (options.tracing) installServerSpans(app);
  const onLlmFallback = options.metrics ? installMetrics(app, options.metrics) : undefined;

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request) => {
    try {
      await options.nonceStore.claim(`readyz-${randomUUID()}`, 1_000);
    } catch (cause) {
      request.log.warn({ err: cause, failing: 'nonceStore' }, 'not ready');
      throw MlErrors.UNAVAILABLE({ cause });
    }
    return { status: 'ready' };
  });

  const ml = createInProcessMlClient({ llm: options.llm, logger: app.log, onLlmFallback });
  app.register(async (scope) => {
    installSignedRequestAuth(scope, {
      secret: options.hmacSecret,
      nonceStore: options.nonceStore,
      bodyLimitBytes: bodyLimit,
      now: options.now,
    });
    // The client validates each body with its contract (400 naming the failing fields).
    scope.post('/v1/indicators', (request) => ml.indicators(request.body as IndicatorRequest));
    scope.post('/v1/indicators/batch', (request) =>
      ml.indicatorsBatch(request.body as IndicatorBatchRequest),
    );
    scope.post('/v1/bias/score', (request) => ml.scoreBias(request.body as BiasScoreRequest));
    scope.post('/v1/bias/score/batch', (request) => ml.scoreBiasBatch(request.body as BiasScoreBatchRequest));
    scope.post('/v1/nlg/reflect', (request) => ml.reflect(request.body as ReflectRequest));
  });
  return app;
}
