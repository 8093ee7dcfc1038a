import fp from 'fastify-plugin';
import { and, eq, lte } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { idempotencyKeys, type Executor } from '@tt/db';
import { defineErrors } from '@tt/shared';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false` on a POST whose body carries a password or whose answer mints a secret (see below). */
    idempotency?: boolean;
  }
}

export const IdempotencyErrors = defineErrors('IDEMPOTENCY', {
  INVALID_KEY: [400, 'The Idempotency-Key header is not valid'],
  KEY_REUSED: [422, 'This Idempotency-Key was already used with a different request'],
  IN_PROGRESS: [409, 'A request with this Idempotency-Key is still in progress'],
});

export interface IdempotencyOptions {
  db: Executor;
  /** Keyed hash of an anonymous caller (their IP), which scopes their keys. */
  anonymousScope(request: FastifyRequest): string;
  /** Keyed hash of method, URL and body, so stored fingerprints reveal nothing about bodies. */
  fingerprint(value: string): string;
  /** How long an answer is replayed (default 24 h). */
  ttlMs?: number;
  /** How long an in-flight claim holds before a crashed holder's key may be taken over (default 60 s). */
  leaseMs?: number;
  /** How often expired rows are purged (default 10 min). */
  purgeIntervalMs?: number;
  now?: () => Date;
}

const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;
const claims = new WeakMap<FastifyRequest, { scope: string; key: string }>();
const owners = new WeakMap<FastifyRequest, string>();

/** Files an anonymous request's stored answer under the user it created (signup), so deleting them deletes it. */
export function attributeToUser(request: FastifyRequest, userId: string): void {
  owners.set(request, userId);
}

function repository(db: Executor) {
  const at = (scope: string, key: string) =>
    and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));
  return {
    claim: async (row: typeof idempotencyKeys.$inferInsert) =>
      (
        await db
          .insert(idempotencyKeys)
          .values(row)
          .onConflictDoNothing()
          .returning({ key: idempotencyKeys.key })
      ).length > 0,
    find: async (scope: string, key: string) =>
      (await db.select().from(idempotencyKeys).where(at(scope, key)).limit(1))[0],
    takeOver: async (scope: string, key: string, now: Date, lockedUntil: Date) =>
      (
        await db
          .update(idempotencyKeys)
          .set({ lockedUntil })
          .where(
            and(
              at(scope, key),
              eq(idempotencyKeys.state, 'in_flight'),
              lte(idempotencyKeys.lockedUntil, now),
            ),
          )
          .returning({ key: idempotencyKeys.key })
      ).length > 0,
    complete: (
      scope: string,
      key: string,
      response: { status: number; body: string; type: string | null; userId: string | null },
    ) =>
      db
        .update(idempotencyKeys)
        .set({
          state: 'done',
          responseStatus: response.status,
          responseBody: response.body,
          responseType: response.type,
          ...(response.userId ? { userId: response.userId } : {}),
        })
        .where(at(scope, key)),
    release: (scope: string, key: string) => db.delete(idempotencyKeys).where(at(scope, key)),
    deleteIfExpired: (scope: string, key: string, now: Date) =>
      db.delete(idempotencyKeys).where(and(at(scope, key), lte(idempotencyKeys.expiresAt, now))),
    purgeExpired: (now: Date) => db.delete(idempotencyKeys).where(lte(idempotencyKeys.expiresAt, now)),
  };
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * `Idempotency-Key` on every POST under /api (DESIGN.md §5): the same key and body within 24 h
 * replays the first answer (status, body, content type, plus `Idempotent-Replayed: true`); the
 * same key with another body is 422; a duplicate while the first is still running is 409. Keys
 * are scoped per user, or per keyed hash of an anonymous caller's IP. 5xx answers are not kept,
 * so a retry runs again. The hooks are appended to each route, after its own authentication.
 *
 * Routes opt out with `config: { idempotency: false }` when a request body carries a password
 * (no fingerprint of it is stored, however keyed) or the answer mints a secret that must not be
 * stored for replay (the session cookie of a sign-in); those routes are safe to retry as they are.
 */
async function idempotency(app: FastifyInstance, options: IdempotencyOptions) {
  const repo = repository(options.db);
  const now = options.now ?? (() => new Date());
  const ttlMs = options.ttlMs ?? 24 * 60 * 60_000;
  const leaseMs = options.leaseMs ?? 60_000;

  const begin = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'POST') return;
    const key = request.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || !KEY_SHAPE.test(key)) {
      throw IdempotencyErrors.INVALID_KEY({ detail: 'Use 1–255 visible ASCII characters, such as a UUID.' });
    }
    const scope = request.auth ? `u:${request.auth.userId}` : `a:${options.anonymousScope(request)}`;
    const requestHash = options.fingerprint(
      `${request.method}\n${request.url}\n${JSON.stringify(request.body ?? null)}`,
    );
    const at = now();
    for (let attempt = 0; attempt < 3; attempt++) {
      const claimed = await repo.claim({
        scope,
        key,
        userId: request.auth?.userId ?? null,
        requestHash,
        state: 'in_flight',
        createdAt: at,
        lockedUntil: new Date(at.getTime() + leaseMs),
        expiresAt: new Date(at.getTime() + ttlMs),
      });
      if (claimed) {
        claims.set(request, { scope, key });
        return;
      }
      const row = await repo.find(scope, key);
      if (!row) continue;
      if (row.expiresAt <= at) {
        await repo.deleteIfExpired(scope, key, at);
        continue;
      }
      if (row.requestHash !== requestHash) {
        throw IdempotencyErrors.KEY_REUSED({ detail: 'Send a new Idempotency-Key for a different request.' });
      }
      if (row.state === 'in_flight') {
        if (
          row.lockedUntil <= at &&
          (await repo.takeOver(scope, key, at, new Date(at.getTime() + leaseMs)))
        ) {
          claims.set(request, { scope, key });
          return;
        }
        throw IdempotencyErrors.IN_PROGRESS({
          detail: 'Retry once the first request has finished.',
          headers: { 'retry-after': '1' },
        });
      }
      void reply.code(row.responseStatus ?? 200).header('idempotent-replayed', 'true');
      if (row.responseType) void reply.type(row.responseType);
      return reply.send(row.responseBody ?? undefined);
    }
    throw IdempotencyErrors.IN_PROGRESS({ detail: 'Retry in a moment.', headers: { 'retry-after': '1' } });
  };

  const capture = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claim = claims.get(request);
    if (!claim) return payload;
    claims.delete(request);
    try {
      const replayable =
        payload === null || payload === undefined || typeof payload === 'string' || Buffer.isBuffer(payload);
      if (reply.statusCode >= 500 || !replayable) {
        await repo.release(claim.scope, claim.key);
      } else {
        const type = reply.getHeader('content-type');
        await repo.complete(claim.scope, claim.key, {
          status: reply.statusCode,
          body: payload == null ? '' : String(payload),
          type: typeof type === 'string' ? type : null,
          userId: owners.get(request) ?? request.auth?.userId ?? null,
        });
      }
    } catch (error) {
      // The answer still goes out; the claim lapses with its lease.
      request.log.error({ err: error }, 'idempotency record not stored');
    }
    return payload;
  };

  // A request that ended without an answer (aborted) gives its key back.
  const settle = async (request: FastifyRequest) => {
    const claim = claims.get(request);
    if (!claim) return;
    claims.delete(request);
    await repo.release(claim.scope, claim.key).catch(() => undefined);
  };

  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = asArray(route.method);
    if (!methods.includes('POST') || !route.url.startsWith('/api/') || route.config?.idempotency === false)
      return;
    route.preHandler = [...asArray(route.preHandler), begin];
    route.onSend = [...asArray(route.onSend), capture];
    route.onResponse = [...asArray(route.onResponse), settle];
  });

  const purge = () =>
    void repo
      .purgeExpired(now())
      .catch((error: unknown) => app.log.warn({ err: error }, 'idempotency purge failed'));
  const timer = setInterval(purge, options.purgeIntervalMs ?? 10 * 60_000);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}

export default fp(idempotency, { name: 'idempotency', dependencies: ['auth-session'] });
