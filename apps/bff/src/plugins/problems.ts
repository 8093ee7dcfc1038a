import fp from 'fastify-plugin';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, CommonErrors, PROBLEM_CONTENT_TYPE } from '@tt/shared';
import { sendProblem, toAppError } from '@tt/shared/http';

/**
 * Fastify's `frameworkErrors`: a request the router cannot even take (a path whose percent-encoding
 * does not decode) answers in the one error model, like every other error.
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  void sendProblem(reply, toAppError(error), request);
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'HTTP.HEADERS_TOO_LARGE', 'Request header fields too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'HTTP.REQUEST_TIMEOUT', 'Request timeout'],
};

/**
 * Fastify's `clientErrorHandler`: bytes the HTTP parser refuses (a malformed request line, oversized
 * headers, a bad chunk) never reach Fastify's request cycle, so the answer is written on the socket
 * here, as a problem, and the connection closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, title] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'HTTP.BAD_REQUEST', 'Bad request'];
  const body = JSON.stringify(
    new AppError(code, status, title, { detail: 'The request could not be parsed.' }).toProblem(),
  );
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

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
