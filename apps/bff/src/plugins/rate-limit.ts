import fp from 'fastify-plugin';
import rateLimit, { normalizeIP, type RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Redis } from 'ioredis';
import { CommonErrors } from '@tt/shared';

const MINUTE = 60_000;

export interface RateLimitPluginOptions {
  /** Shared store in scaled mode (`platform.redis`); an in-process store otherwise. */
  redis?: Redis | undefined;
  /** Redis key prefix (default `tt:rl:`). */
  nameSpace?: string;
  /** Budget of every route without its own limit, per signed-in user or anonymous IP, per minute (default 600). */
  defaultPerMinute?: number;
  /**
   * Turns a client IP into the name of its buckets: a keyed hash, so that the store (Redis in
   * scaled mode) never holds a raw address (blueprint §12).
   */
  hashIp(ip: string): string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The rate-limit bucket of a request's client IP (`ip:<keyed hash>`), never the raw address. */
    clientIpKey(request: FastifyRequest): string;
  }
}

const ipKey = (request: FastifyRequest) => request.server.clientIpKey(request);
/** The signed-in user, else the IP: a shared office IP does not starve its signed-in users. */
const callerKey = (request: FastifyRequest) =>
  request.auth ? `user:${request.auth.userId}` : ipKey(request);

/** A route's limit per client IP: `config: { rateLimit: perIp(10) }`. */
export function perIp(max: number, timeWindowMs = MINUTE): RateLimitOptions {
  // A store that is down fails these closed: they guard passwords.
  return { max, timeWindow: timeWindowMs, keyGenerator: ipKey, skipOnError: false };
}

/** A route's limit per signed-in user (anonymous callers per IP): `config: { rateLimit: perUser(3) }`. */
export function perUser(max: number, timeWindowMs = MINUTE): RateLimitOptions {
  return { max, timeWindow: timeWindowMs, keyGenerator: callerKey };
}

/**
 * Blueprint §3 defaults. `auth/*` is 10 requests a minute per IP on each credential route (the
 * 11th login within a minute gets 429), with a burst allowance of 20 a minute per IP across the
 * whole anonymous auth namespace, so alternating signup and login cannot double the rate either.
 */
export const BLUEPRINT_LIMITS = {
  authCredentials: perIp(10),
  authAnonymousBurstPerMinute: 20,
  tradesImport: perUser(3),
  simulationsSimple: perUser(10),
} as const;

const HEADERS = {
  limit: 'ratelimit-limit',
  remaining: 'ratelimit-remaining',
  reset: 'ratelimit-reset',
  retryAfter: 'retry-after',
};

function rateLimited(after: string) {
  return CommonErrors.RATE_LIMITED({ detail: `Too many requests; retry in ${after}.` });
}

export interface LimitGuardOptions {
  max: number;
  timeWindowMs?: number;
  /** The bucket a request counts against, or null when this guard does not apply to it. */
  key(request: FastifyRequest): string | null;
}

/**
 * An extra limit layered on a route subtree (`addHook('onRequest', guard)`), counted on its own
 * bucket, for when a request must pass two limits (the plugin applies one per route).
 */
export function createLimitGuard(
  app: FastifyInstance,
  options: LimitGuardOptions,
): onRequestAsyncHookHandler {
  const check = app.createRateLimit({
    max: options.max,
    timeWindow: options.timeWindowMs ?? MINUTE,
    keyGenerator: (request) => options.key(request) ?? '',
    skipOnError: false,
  });
  return async (request, reply) => {
    if (options.key(request) === null) return;
    const result = await check(request);
    if (result.isAllowed || !result.isExceeded) return;
    void reply.headers({
      [HEADERS.limit]: result.max,
      [HEADERS.remaining]: 0,
      [HEADERS.reset]: result.ttlInSeconds,
      [HEADERS.retryAfter]: result.ttlInSeconds,
    });
    throw rateLimited(`${result.ttlInSeconds} s`);
  };
}

/**
 * @fastify/rate-limit on every route (blueprint §3): a default per caller, tighter limits where a
 * route sets `config.rateLimit` (see `perIp`, `perUser`), 429 problem+json with `Retry-After` and
 * the IETF `RateLimit-Limit/-Remaining/-Reset` headers. Fixed one-minute windows; a refused
 * request does not extend the window. Needs `auth-session` first: limits key on `request.auth`.
 */
async function rateLimits(app: FastifyInstance, options: RateLimitPluginOptions) {
  app.decorate('clientIpKey', (request: FastifyRequest) => `ip:${options.hashIp(normalizeIP(request.ip))}`);
  await app.register(rateLimit, {
    global: true,
    max: options.defaultPerMinute ?? 600,
    timeWindow: MINUTE,
    keyGenerator: callerKey,
    enableDraftSpec: true,
    // The default budget fails open when the store is down; credential routes fail closed (perIp).
    skipOnError: true,
    ...(options.redis ? { redis: options.redis, nameSpace: options.nameSpace ?? 'tt:rl:' } : {}),
    // The broker sandbox is a separate "exchange" that the BFF itself calls hard during imports.
    allowList: (request) => request.url.startsWith('/sandbox/'),
    errorResponseBuilder: (_request, context) => rateLimited(context.after),
  });
}

export default fp(rateLimits, { name: 'rate-limit', dependencies: ['auth-session'] });
