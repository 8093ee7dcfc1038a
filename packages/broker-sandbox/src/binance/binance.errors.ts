import type { FastifyReply } from 'fastify';

/** Binance's error body: `{ "code": -1121, "msg": "Invalid symbol." }` (codes and texts from its error list). */
export function binanceError(reply: FastifyReply, status: number, code: number, msg: string): FastifyReply {
  return reply.code(status).send({ code, msg });
}

export const BinanceErrors = {
  invalidTimestampWindow: [400, -1021, 'Timestamp for this request is outside of the recvWindow.'],
  invalidTimestampAhead: [400, -1021, "Timestamp for this request was 1000ms ahead of the server's time."],
  invalidSignature: [400, -1022, 'Signature for this request is not valid.'],
  duplicateParameter: [400, -1101, 'Duplicate values for a parameter detected.'],
  badSymbol: [400, -1121, 'Invalid symbol.'],
  badInterval: [400, -1120, 'Invalid interval.'],
  windowTooLong: [400, -1127, 'More than 24 hours between startTime and endTime.'],
  badCombination: [400, -1128, 'Combination of optional parameters invalid.'],
  badRecvWindow: [400, -1131, 'recvWindow must be less than 60000'],
  badKeyFormat: [401, -2014, 'API-key format invalid.'],
  rejectedKey: [401, -2015, 'Invalid API-key, IP, or permissions for action.'],
} as const satisfies Record<string, readonly [number, number, string]>;

export function binanceFail(reply: FastifyReply, error: readonly [number, number, string]): FastifyReply {
  return binanceError(reply, error[0], error[1], error[2]);
}

export function missingParameter(reply: FastifyReply, name: string): FastifyReply {
  return binanceError(
    reply,
    400,
    -1102,
    `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`,
  );
}

export function illegalCharacters(reply: FastifyReply, name: string): FastifyReply {
  return binanceError(
    reply,
    400,
    -1100,
    `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`,
  );
}

export function invalidParameter(reply: FastifyReply, name: string): FastifyReply {
  return binanceError(reply, 400, -1130, `Data sent for parameter '${name}' is not valid.`);
}

export function binanceUnavailable(reply: FastifyReply, status: number): FastifyReply {
  return binanceError(
    reply,
    status,
    -1001,
    'Internal error; unable to process your request. Please try again.',
  );
}
