import {
  AppError,
  BiasScoreBatchResponseSchema,
  BiasScoreResponseSchema,
  IndicatorBatchResponseSchema,
  IndicatorFeaturesSchema,
  ProblemSchema,
  ReflectResponseSchema,
} from '@tt/shared';
import { z } from 'zod';
import { context, propagation } from '@opentelemetry/api';
import { signRequest } from '../auth/auth.signing';
import { MlErrors } from '../ml.errors';
import type { MlClient } from './client.port';

export interface HttpMlClientOptions {
  /** Where the ML service listens (`ML_URL`, e.g. `http://127.0.0.1:3100`); a path prefix is kept. */
  baseUrl: string;
  /** `ML_HMAC_SECRET`, the same on both sides. */
  hmacSecret: string;
  /** Per request, answer included. Default 30000 (a batch of thousands of trades stays well under it). */
  timeoutMs?: number;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}

/**
 * A problem answer as an AppError with the service's code, title, detail and field errors.
 * 401 and 5xx become 502: they mean the link to the ML service is broken, not that the BFF's
 * own caller did something wrong.
 */
function toAppError(status: number, payload: unknown): AppError {
  const problem = ProblemSchema.safeParse(payload);
  if (!problem.success)
    return MlErrors.BAD_RESPONSE({ detail: `The ML service answered ${status} without a problem body.` });
  const { code, title, detail, errors } = problem.data;
  const passOn = status !== 401 && status < 500;
  return new AppError(code ?? `ML.HTTP_${status}`, passOn ? status : 502, title, { detail, errors });
}

const ReadySchema = z.object({ status: z.literal('ready') });

/** The MlClient over HMAC-signed HTTP: every request carries fresh X-Timestamp, X-Nonce and X-Signature. */
export function createHttpMlClient(options: HttpMlClientOptions): MlClient {
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
  ): Promise<T> {
    const url = new URL(path.replace(/^\//, ''), base);
    const raw = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = {
      ...signRequest({ secret: options.hmacSecret, method, path: url.pathname + url.search, body: raw }),
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    // The caller's trace context (`traceparent`, `tracestate`) when the process traces; a no-op
    // otherwise. Deliberately outside the signature: it steers no behaviour, and the signed
    // contract (DESIGN.md §5) stays timestamp, method, path and body.
    propagation.inject(context.active(), headers);
    let response: Response;
    let payload: unknown;
    try {
      response = await doFetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : raw,
        signal: AbortSignal.timeout(timeoutMs),
      });
      payload = await response.json();
    } catch (cause) {
      if ((cause as { name?: string }).name === 'SyntaxError') {
        throw MlErrors.BAD_RESPONSE({
          detail: 'The ML service answered with a body that is not JSON.',
          cause,
        });
      }
      throw MlErrors.UNAVAILABLE({
        detail: `The ML service did not answer ${method} ${url.pathname}.`,
        cause,
      });
    }
    if (!response.ok) throw toAppError(response.status, payload);
    const parsed = schema.safeParse(payload);
    if (!parsed.success)
      throw MlErrors.BAD_RESPONSE({ detail: `Unexpected answer to ${method} ${url.pathname}.` });
    return parsed.data;
  }

  return {
    indicators: (request) => call('POST', '/v1/indicators', request, IndicatorFeaturesSchema),
    indicatorsBatch: (request) => call('POST', '/v1/indicators/batch', request, IndicatorBatchResponseSchema),
    scoreBias: (request) => call('POST', '/v1/bias/score', request, BiasScoreResponseSchema),
    scoreBiasBatch: (request) => call('POST', '/v1/bias/score/batch', request, BiasScoreBatchResponseSchema),
    reflect: (request) => call('POST', '/v1/nlg/reflect', request, ReflectResponseSchema),
    ping: async () => {
      await call('GET', '/readyz', undefined, ReadySchema);
    },
  };
}
