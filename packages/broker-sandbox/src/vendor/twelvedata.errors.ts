import type { FastifyReply } from 'fastify';

/**
 * Twelve Data's error body, `{ code, message, status: "error" }`, with `code` equal to the HTTP
 * status. (The real API sometimes answers such a body with HTTP 200; the sandbox always uses the
 * matching status, and clients should read `code` either way.)
 */
export function twelveDataError(reply: FastifyReply, code: number, message: string): FastifyReply {
  return reply.code(code).send({ code, message, status: 'error' });
}

export function twelveDataUnauthorized(reply: FastifyReply): FastifyReply {
  return twelveDataError(
    reply,
    401,
    '**apikey** parameter is incorrect or not specified. You can get your free API key instantly at https://twelvedata.com/pricing.',
  );
}

export function twelveDataRateLimited(reply: FastifyReply, used: number, limit: number): FastifyReply {
  return twelveDataError(
    reply,
    429,
    `You have run out of API credits for the current minute. ${used} API credits were used, with the current limit being ${limit}. Wait for the next minute or consider switching to a higher tier plan at https://twelvedata.com/pricing`,
  );
}

export function twelveDataUnavailable(reply: FastifyReply, status: number): FastifyReply {
  return twelveDataError(reply, status, 'Internal server error. Please try again later.');
}

export function twelveDataSymbolNotFound(reply: FastifyReply, symbol: string): FastifyReply {
  return twelveDataError(
    reply,
    404,
    `**symbol** not found: ${symbol}. Please specify it correctly according to API Documentation.`,
  );
}

export function twelveDataNoData(reply: FastifyReply): FastifyReply {
  return twelveDataError(
    reply,
    400,
    'No data is available on the specified dates. Try setting different start/end dates.',
  );
}
