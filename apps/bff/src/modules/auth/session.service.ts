import { createHash, randomBytes } from 'node:crypto';
import { SessionRevokedEventSchema, type SessionDto } from '@tt/shared';
import type { PubSub } from '../../infra/pubsub';
import { safeJson } from '../../lib/safe-json';
import type { AuthContext } from '../../plugins/auth-session';
import type { KeyedHasher } from './keyed-hash';
import type { SessionRepository, SessionRow } from './session.repository';

export const SESSION_REVOKED_CHANNEL = 'auth.session-revoked';

/** Who is calling, as far as a session needs to know: hashed before it is stored. */
export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
}

export interface IssuedSession {
  sessionId: string;
  /** The cookie value: 256 random bits, handed out once and stored only as its sha256. */
  token: string;
  absoluteExpiresAt: Date;
}

export interface SessionServiceOptions {
  repository: SessionRepository;
  hasher: KeyedHasher;
  pubsub: PubSub;
  now?: () => Date;
  /** Idle expiry, slid forward on use (default 7 days). */
  idleMs?: number;
  /** Absolute expiry from sign-in (default 30 days). */
  absoluteMs?: number;
  /** Least time between two `last_seen_at` writes for one session (default 1 minute). */
  touchIntervalMs?: number;
  /**
   * How long a resolved session is answered from memory (default 5 s). Revocation evicts it at
   * once in this process and, through pub/sub, in every other; the TTL bounds a lost message.
   */
  cacheTtlMs?: number;
}

const CACHE_SIZE = 10_000;

/**
 * Live sessions by token hash, so that a signed-in request costs no database round trip. Only
 * sessions found live are kept; a session revoked within the TTL is never put back by a look-up
 * that raced the revocation.
 */
function createSessionCache(ttlMs: number) {
  const byHash = new Map<string, { row: SessionRow; until: number }>();
  const hashById = new Map<string, string>();
  const revokedUntil = new Map<string, number>();
  const drop = (hash: string) => {
    const entry = byHash.get(hash);
    if (entry) hashById.delete(entry.row.id);
    byHash.delete(hash);
  };
  return {
    get(hash: string, at: number): SessionRow | undefined {
      const entry = byHash.get(hash);
      if (entry && entry.until > at) return entry.row;
      if (entry) drop(hash);
      return undefined;
    },
    set(hash: string, row: SessionRow, at: number) {
      if ((revokedUntil.get(row.id) ?? 0) > at) return;
      drop(hash);
      if (byHash.size >= CACHE_SIZE) drop(byHash.keys().next().value!);
      byHash.set(hash, { row, until: at + ttlMs });
      hashById.set(row.id, hash);
    },
    forget(sessionId: string, at: number) {
      const hash = hashById.get(sessionId);
      if (hash) drop(hash);
      for (const [id, until] of revokedUntil) if (until <= at) revokedUntil.delete(id);
      revokedUntil.set(sessionId, at + ttlMs);
    },
  };
}

const DAY = 24 * 60 * 60_000;

export const hashSessionToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

// A cookie value that could be ours: 43 base64url characters (32 bytes). Anything else is not looked up.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function createSessionService(options: SessionServiceOptions) {
  const { repository, hasher, pubsub } = options;
  const now = options.now ?? (() => new Date());
  const idleMs = options.idleMs ?? 7 * DAY;
  const absoluteMs = options.absoluteMs ?? 30 * DAY;
  const touchIntervalMs = options.touchIntervalMs ?? 60_000;
  const cache = createSessionCache(options.cacheTtlMs ?? 5_000);
  // Revocations in other processes. Should subscribing fail (Redis down at start), the TTL still
  // bounds how long another process's revocation goes unseen here.
  pubsub
    .subscribe(SESSION_REVOKED_CHANNEL, (message) => {
      const event = SessionRevokedEventSchema.safeParse(safeJson(message));
      if (event.success) cache.forget(event.data.sessionId, now().getTime());
    })
    .catch(() => undefined);

  const publishRevoked = async (userId: string, sessionIds: string[]) => {
    for (const sessionId of sessionIds) cache.forget(sessionId, now().getTime());
    for (const sessionId of sessionIds) {
      await pubsub.publish(
        SESSION_REVOKED_CHANNEL,
        JSON.stringify(SessionRevokedEventSchema.parse({ userId, sessionId })),
      );
    }
  };
  const toDto = (row: SessionRow, currentId: string | null): SessionDto => ({
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    current: row.id === currentId,
  });

  return {
    /** A new session with a new token: sign-in never reuses an id a caller brought (no fixation). */
    async create(userId: string, client: ClientInfo): Promise<IssuedSession> {
      const token = randomBytes(32).toString('base64url');
      const at = now();
      const absoluteExpiresAt = new Date(at.getTime() + absoluteMs);
      const row = await repository.insert({
        userId,
        tokenHash: hashSessionToken(token),
        createdAt: at,
        lastSeenAt: at,
        expiresAt: new Date(Math.min(at.getTime() + idleMs, absoluteExpiresAt.getTime())),
        absoluteExpiresAt,
        ipHash: hasher.hash('ip', client.ip),
        uaHash: client.userAgent ? hasher.hash('user-agent', client.userAgent) : null,
      });
      return { sessionId: row.id, token, absoluteExpiresAt };
    },

    /** The session a token names, if it is live; slides the idle expiry at most once a minute. */
    async resolve(token: string): Promise<AuthContext | null> {
      if (!TOKEN_SHAPE.test(token)) return null;
      const hash = hashSessionToken(token);
      const at = now();
      let row = cache.get(hash, at.getTime()) ?? (await repository.findByTokenHash(hash));
      if (!row) return null;
      if (row.expiresAt <= at || row.absoluteExpiresAt <= at) {
        cache.forget(row.id, at.getTime());
        await repository.deleteOne(row.userId, row.id);
        return null;
      }
      if (at.getTime() - row.lastSeenAt.getTime() >= touchIntervalMs) {
        const expiresAt = new Date(Math.min(at.getTime() + idleMs, row.absoluteExpiresAt.getTime()));
        await repository.touch(row.id, at, expiresAt);
        row = { ...row, lastSeenAt: at, expiresAt };
      }
      cache.set(hash, row, at.getTime());
      return { userId: row.userId, sessionId: row.id };
    },

    async list(userId: string, currentSessionId: string | null): Promise<SessionDto[]> {
      const at = now();
      const rows = await repository.listForUser(userId);
      return rows
        .filter((r) => r.expiresAt > at && r.absoluteExpiresAt > at)
        .map((r) => toDto(r, currentSessionId));
    },

    /** Ends one of the user's own sessions; false when no such session of theirs exists. */
    async revoke(userId: string, sessionId: string): Promise<boolean> {
      const deleted = await repository.deleteOne(userId, sessionId);
      if (deleted) await publishRevoked(userId, [sessionId]);
      return deleted;
    },

    /** Ends every session of the user but `keepSessionId` (all of them when null); returns how many. */
    async revokeAllExcept(userId: string, keepSessionId: string | null): Promise<number> {
      const ids = await repository.deleteAllExcept(userId, keepSessionId);
      await publishRevoked(userId, ids);
      return ids.length;
    },

    purgeExpired(): Promise<number> {
      return repository.deleteExpired(now());
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
