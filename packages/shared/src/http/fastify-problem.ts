import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, CommonErrors, PROBLEM_CONTENT_TYPE, type Problem } from '../problem';

/** Fastify's own error codes mapped to our stable problems, so a framework error is never a 500. */
function fromFastifyError(error: FastifyError): AppError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return CommonErrors.BAD_JSON({ detail: 'The body could not be parsed as JSON.' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return CommonErrors.PAYLOAD_TOO_LARGE({ detail: 'The request body exceeds the size limit.' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return CommonErrors.UNSUPPORTED_MEDIA_TYPE({ detail: 'Send application/json.' });
    case 'FST_ERR_VALIDATION':
      return CommonErrors.VALIDATION({ detail: error.message });
    default:
      break;
  }
  if (error.statusCode === 429) {
    return CommonErrors.RATE_LIMITED({ detail: error.message });
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError(`HTTP.${error.code ?? 'CLIENT_ERROR'}`, error.statusCode, error.message);
  }
  return undefined;
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const mapped = fromFastifyError(error as FastifyError);
  return mapped ?? CommonErrors.INTERNAL({ cause: error });
}

export function sendProblem(reply: FastifyReply, error: AppError, request: FastifyRequest): FastifyReply {
  const problem: Problem = error.toProblem(request.url.split('?')[0]);
  if (error.headers) void reply.headers(error.headers);
  return reply.code(error.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/**
 * Installs the one error model on a Fastify instance: every thrown error, unknown route and
 * unsupported method becomes problem+json; 5xx are logged with their cause and answered blandly.
 */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code: appError.code, status: appError.status }, 'request rejected');
    }
    return sendProblem(reply, appError, request);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      CommonErrors.NOT_FOUND({ detail: `No route for ${request.method} ${request.url.split('?')[0]}.` }),
      request,
    ),
  );
}
