import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { rawQuery } from '../core/paths';
import type { SandboxState } from '../sandbox.state';
import type { BinanceKey } from './binance-keys';
import { API_KEY_PATTERN } from './binance-keys';
import {
  BinanceErrors,
  binanceError,
  binanceFail,
  illegalCharacters,
  missingParameter,
} from './binance.errors';
import { WEIGHT_LIMIT_PER_MINUTE } from './binance-weights';

/**
 * What every Binance request goes through: its weight is charged to the caller's IP (and reported
 * in `X-MBX-USED-WEIGHT-1M`), its parameters are read from the raw query, and a SIGNED request is
 * checked like Binance does: API key, `timestamp` within `recvWindow`, HMAC-SHA256 `signature`.
 */

const DEFAULT_RECV_WINDOW = 5_000;
const MAX_RECV_WINDOW = 60_000;
const DIGITS = /^[0-9]{1,20}$/;

export interface BinanceCall {
  params: URLSearchParams;
  raw: string;
}

/** Charges the request's weight; answers 429/418 or a duplicate-parameter error and returns undefined when refused. */
export function beginCall(
  state: SandboxState,
  request: FastifyRequest,
  reply: FastifyReply,
  weight: number,
  pool: 'api' | 'sapi' = 'api',
): BinanceCall | undefined {
  const nowMs = state.nowMs();
  const limiter = pool === 'api' ? state.binanceWeights : state.sapiWeights;
  const verdict = limiter.charge(request.ip, weight, nowMs);
  void reply.header(
    pool === 'api' ? 'x-mbx-used-weight-1m' : 'x-sapi-used-ip-weight-1m',
    String(verdict.used),
  );
  if (verdict.kind === 'banned') {
    void reply.header('retry-after', String(verdict.retryAfterSeconds));
    binanceError(
      reply,
      418,
      -1003,
      `Way too much request weight used; IP banned until ${verdict.untilMs}. Please use WebSocket Streams for live updates to avoid bans.`,
    );
    return undefined;
  }
  if (verdict.kind === 'limited') {
    void reply.header('retry-after', String(verdict.retryAfterSeconds));
    binanceRateLimited(reply);
    return undefined;
  }
  const raw = rawQuery(request);
  const params = new URLSearchParams(raw);
  const names = [...params.keys()];
  if (new Set(names).size !== names.length) {
    binanceFail(reply, BinanceErrors.duplicateParameter);
    return undefined;
  }
  return { params, raw };
}

export function binanceRateLimited(reply: FastifyReply): FastifyReply {
  return binanceError(
    reply,
    429,
    -1003,
    `Too much request weight used; current limit is ${WEIGHT_LIMIT_PER_MINUTE} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
  );
}

/** An optional integer parameter: undefined when absent, null after answering -1100 for a malformed one. */
export function integerParam(
  call: BinanceCall,
  reply: FastifyReply,
  name: string,
): number | undefined | null {
  const value = call.params.get(name);
  if (value === null || value === '') return undefined;
  if (!DIGITS.test(value)) {
    illegalCharacters(reply, name);
    return null;
  }
  return Number(value);
}

/** The query string the client signed: every parameter except `signature`, bytes unchanged. */
function signedPayload(raw: string): string {
  return raw
    .split('&')
    .filter((pair) => !pair.startsWith('signature='))
    .join('&');
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a.toLowerCase());
  const right = Buffer.from(b.toLowerCase());
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Authenticates a SIGNED request; answers the matching Binance error and returns undefined when it fails. */
export function authenticateSigned(
  state: SandboxState,
  request: FastifyRequest,
  reply: FastifyReply,
  call: BinanceCall,
): BinanceKey | undefined {
  const apiKey = request.headers['x-mbx-apikey'];
  if (typeof apiKey !== 'string' || !API_KEY_PATTERN.test(apiKey)) {
    binanceFail(reply, BinanceErrors.badKeyFormat);
    return undefined;
  }
  const key = state.binanceKeys.get(apiKey);
  if (!key) {
    binanceFail(reply, BinanceErrors.rejectedKey);
    return undefined;
  }
  const timestamp = integerParam(call, reply, 'timestamp');
  if (timestamp === null) return undefined;
  if (timestamp === undefined) {
    missingParameter(reply, 'timestamp');
    return undefined;
  }
  const recvWindow = integerParam(call, reply, 'recvWindow');
  if (recvWindow === null) return undefined;
  if (recvWindow !== undefined && recvWindow > MAX_RECV_WINDOW) {
    binanceFail(reply, BinanceErrors.badRecvWindow);
    return undefined;
  }
  const serverTime = state.nowMs();
  if (timestamp >= serverTime + 1_000) {
    binanceFail(reply, BinanceErrors.invalidTimestampAhead);
    return undefined;
  }
  if (serverTime - timestamp > (recvWindow ?? DEFAULT_RECV_WINDOW)) {
    binanceFail(reply, BinanceErrors.invalidTimestampWindow);
    return undefined;
  }
  const signature = call.params.get('signature');
  if (!signature) {
    missingParameter(reply, 'signature');
    return undefined;
  }
  const expected = createHmac('sha256', key.secret).update(signedPayload(call.raw)).digest('hex');
  if (!sameHex(signature, expected)) {
    binanceFail(reply, BinanceErrors.invalidSignature);
    return undefined;
  }
  return key;
}
