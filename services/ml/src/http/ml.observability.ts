import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Span } from '@opentelemetry/api';
import { Counter, type Registry } from 'prom-client';
import type { LlmFallbackReason } from '../reflect/reflect.service';

/**
 * A server span per request, continuing the caller's `traceparent` (the BFF's ML client span),
 * through the OpenTelemetry API: spans are recorded when the process registered the SDK.
 */
export function installServerSpans(app: FastifyInstance): void {
  const tracer = trace.getTracer('trading-twin-ml');
  const spans = new WeakMap<FastifyRequest, Span>();
  app.addHook('onRequest', async (request) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const path = request.url.split('?')[0]!;
    spans.set(
      request,
      tracer.startSpan(
        `${request.method} ${path}`,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'url.path': path } },
        parent,
      ),
    );
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}

/** `GET /metrics` from `registry`, and the counter of offline answers given instead of the LLM's. */
export function installMetrics(
  app: FastifyInstance,
  registry: Registry,
): (reason: LlmFallbackReason) => void {
  const fallbacks = new Counter({
    name: 'ml_llm_fallbacks_total',
    help: 'Reflections answered by the offline coach because the LLM failed or was resting',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  app.get('/metrics', async (_request, reply) => {
    void reply.type(registry.contentType);
    return registry.metrics();
  });
  return (reason) => fallbacks.inc({ reason });
}
