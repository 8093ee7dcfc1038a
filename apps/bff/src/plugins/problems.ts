import fp from 'fastify-plugin';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { FastifyInstance } from 'fastify';
import { CommonErrors } from '@tt/shared';
import { sendProblem, toAppError } from '@tt/shared/http';

const METHODS: HTTPMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * The one error model for the BFF, plus 405: Fastify answers 404 for a known path with the wrong
 * method, so every route is mirrored into a router used only to tell the two apart.
 */
async function problems(app: FastifyInstance) {
  const known = FindMyWay();
  app.addHook('onRoute', (route) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]) as HTTPMethod[];
    for (const method of methods) {
      // The web app's catch-all is a fallback, not a resource: it must not turn 404s into 405s.
      if (route.url === '/*') continue;
      if (METHODS.includes(method) && !known.hasRoute(method, route.url))
        known.on(method, route.url, () => undefined);
    }
  });
  // The shared error handler, without its 404 handler: Fastify allows one per prefix, and ours tells 404 from 405.
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: appError.code, status: appError.status }, 'request rejected');
    return sendProblem(reply, appError, request);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = METHODS.filter((m) => m !== request.method && known.find(m, path));
    if (allowed.length > 0) {
      void reply.header('allow', allowed.join(', '));
      return sendProblem(
        reply,
        CommonErrors.METHOD_NOT_ALLOWED({
          detail: `${request.method} is not allowed here; use ${allowed.join(', ')}.`,
        }),
        request,
      );
    }
    return sendProblem(
      reply,
      CommonErrors.NOT_FOUND({ detail: `No route for ${request.method} ${path}.` }),
      request,
    );
  });
}

export default fp(problems, { name: 'problems' });
