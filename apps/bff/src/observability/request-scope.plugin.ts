import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Span,
} from '@opentelemetry/api';
import { runWithRequestId } from './request-context';
import { tracer } from './tracing';

export interface RequestScopeOptions {
  /** Record a server span per request (continuing an incoming `traceparent`). */
  tracing: boolean;
}

/**
 * Runs every route handler inside its request's scope: the request id (for the jobs it enqueues)
 * and, with tracing on, the request's server span as the active span. Handlers are wrapped as
 * routes are registered (Fastify's `onRoute`), so no module is patched and the scope holds across
 * the body parser, which would otherwise lose an async context set in `onRequest`.
 */
async function requestScope(app: FastifyInstance, options: RequestScopeOptions) {
  const spans = new WeakMap<FastifyRequest, Span>();
  if (options.tracing) {
    app.addHook('onRequest', async (request) => {
      const parent = propagation.extract(ROOT_CONTEXT, request.headers);
      const span = tracer().startSpan(
        request.method,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': request.method,
            // The path only: query strings can carry OAuth codes.
            'url.path': request.url.split('?')[0]!,
            'tt.request_id': request.id,
          },
        },
        parent,
      );
      spans.set(request, span);
    });
    const end = async (request: FastifyRequest, status: number | undefined) => {
      const span = spans.get(request);
      if (!span) return;
      spans.delete(request);
      const route = request.routeOptions.url;
      if (route) {
        span.updateName(`${request.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      if (status === undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: 'client aborted' });
      else {
        span.setAttribute('http.response.status_code', status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    };
    app.addHook('onResponse', (request, reply) => end(request, reply.statusCode));
    app.addHook('onRequestAbort', (request) => end(request, undefined));
  }

  app.addHook('onRoute', (route) => {
    // WebSocket routes get the socket, not (request, reply); the realtime module owns their scope.
    if ((route as { websocket?: boolean }).websocket) return;
    const handler = route.handler;
    route.handler = function scoped(this: FastifyInstance, request, reply) {
      const span = spans.get(request);
      const run = () => handler.call(this, request, reply);
      return runWithRequestId(
        request.id,
        span ? () => context.with(trace.setSpan(ROOT_CONTEXT, span), run) : run,
      );
    } as RouteHandlerMethod;
  });
}

export default fp(requestScope, { name: 'request-scope' });
