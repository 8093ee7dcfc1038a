import type { FastifyReply } from 'fastify';

/**
 * Coinbase's error bodies. Advanced Trade answers `{ error, error_details, message }` (e.g.
 * `INVALID_ARGUMENT`) and a bare `Unauthorized` text for a missing, expired or revoked token; the
 * OAuth endpoints answer RFC 6749 `{ error, error_description }`.
 */

export function brokerageError(
  reply: FastifyReply,
  status: number,
  error: string,
  message: string,
): FastifyReply {
  return reply.code(status).send({ error, error_details: message, message });
}

export function brokerageUnauthorized(reply: FastifyReply): FastifyReply {
  return reply.code(401).type('text/plain; charset=utf-8').send('Unauthorized\n');
}

export function oauthError(
  reply: FastifyReply,
  status: number,
  error: string,
  description: string,
): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .send({ error, error_description: description });
}

export function brokerageRateLimited(reply: FastifyReply): FastifyReply {
  return brokerageError(reply, 429, 'RATE_LIMIT_EXCEEDED', 'Too many requests');
}

export function brokerageUnavailable(reply: FastifyReply, status: number): FastifyReply {
  return status === 503
    ? brokerageError(reply, status, 'UNAVAILABLE', 'The service is temporarily unavailable')
    : brokerageError(reply, status, 'INTERNAL', 'Internal error');
}
