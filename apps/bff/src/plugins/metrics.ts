import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Histogram, type Registry } from 'prom-client';

/** HTTP request duration by route template and status, recorded on every response. */
async function httpMetrics(app: FastifyInstance, options: { registry: Registry }) {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.8, 1, 2.5, 5, 10],
    registers: [options.registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    // Route templates, never raw URLs, so label cardinality stays bounded.
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

export default fp(httpMetrics, { name: 'http-metrics' });
