import type { PubSub } from '../../infra/pubsub';
import type { FastifyBaseLogger } from 'fastify';
import type { CoachConnection } from './coach-connection';
import type { CursorEvent } from './event-cursor';

interface UserSockets {
  connections: Set<CoachConnection>;
  /** The user's channel subscription; every socket waits for it before its replay starts. */
  subscribed: Promise<() => Promise<void>>;
}

export interface ConnectionRegistryOptions {
  pubsub: PubSub;
  /** The pub/sub channel of a user's coach events. */
  channel(userId: string): string;
  logger: FastifyBaseLogger;
  /** How long a revocation is remembered for sockets still being set up (default 5 minutes). */
  revocationMemoryMs?: number;
  now?: () => number;
}

/** Parses a published coach event once per process; null for anything that is not one. */
function parseLiveEvent(message: string): CursorEvent | null {
  try {
    const parsed = JSON.parse(message) as { id?: unknown; ts?: unknown };
    const id = typeof parsed.id === 'string' ? Number(parsed.id) : NaN;
    if (!Number.isSafeInteger(id) || typeof parsed.ts !== 'string') return null;
    return { id, data: message, storedAt: Date.parse(parsed.ts) };
  } catch {
    return null;
  }
}

/** A published message holds one coach event per line, in the order they were stored. */
export const parseLiveEvents = (message: string): (CursorEvent | null)[] =>
  message.split('\n').map(parseLiveEvent);

/**
 * This process's coach sockets. One pub/sub subscription per connected user (not per socket), so
 * a user's event is parsed once here and handed to each of their sockets on this process; other
 * processes do the same for theirs. Revocations are remembered for a while, so a socket whose
 * session ends while it is still being set up is closed as soon as it registers.
 */
export class ConnectionRegistry {
  private readonly users = new Map<string, UserSockets>();
  private readonly revokedSessions = new Map<string, number>();
  private readonly deletedUsers = new Map<string, number>();
  private readonly memoryMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ConnectionRegistryOptions) {
    this.memoryMs = options.revocationMemoryMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    let count = 0;
    for (const user of this.users.values()) count += user.connections.size;
    return count;
  }

  *all(): IterableIterator<CoachConnection> {
    for (const user of this.users.values()) yield* user.connections;
  }

  forUser(userId: string): CoachConnection[] {
    return [...(this.users.get(userId)?.connections ?? [])];
  }

  /**
   * Registers the socket (at once, so a revocation finds it) and resolves when the user's live
   * subscription is in place; false when its session already ended.
   */
  async add(connection: CoachConnection): Promise<boolean> {
    if (this.revokedSessions.has(connection.sessionId) || this.deletedUsers.has(connection.userId))
      return false;
    let user = this.users.get(connection.userId);
    if (!user) {
      const entry: UserSockets = {
        connections: new Set(),
        subscribed: Promise.resolve(async () => undefined),
      };
      entry.subscribed = this.options.pubsub.subscribe(this.options.channel(connection.userId), (message) => {
        for (const event of parseLiveEvents(message)) {
          if (!event) {
            this.options.logger.warn({ userId: connection.userId }, 'unreadable coach event on pub/sub');
            continue;
          }
          for (const socket of entry.connections) socket.onLive(event);
        }
      });
      // A failed subscription is forgotten, so the next socket of this user tries again.
      entry.subscribed.catch(() => {
        if (this.users.get(connection.userId) === entry) this.users.delete(connection.userId);
      });
      user = entry;
      this.users.set(connection.userId, user);
    }
    user.connections.add(connection);
    await user.subscribed;
    return true;
  }

  remove(connection: CoachConnection): void {
    const user = this.users.get(connection.userId);
    if (!user || !user.connections.delete(connection) || user.connections.size > 0) return;
    this.users.delete(connection.userId);
    user.subscribed
      .then((unsubscribe) => unsubscribe())
      .catch((error: unknown) =>
        this.options.logger.warn({ err: error }, 'coach channel unsubscribe failed'),
      );
  }

  /** The sockets of one session (logout, revocation); remembered for sockets still connecting. */
  endSession(userId: string, sessionId: string): CoachConnection[] {
    this.revokedSessions.set(sessionId, this.now() + this.memoryMs);
    return this.forUser(userId).filter((connection) => connection.sessionId === sessionId);
  }

  /** Every socket of a deleted account; remembered for sockets still connecting. */
  endUser(userId: string): CoachConnection[] {
    this.deletedUsers.set(userId, this.now() + this.memoryMs);
    return this.forUser(userId);
  }

  /** Forgets revocations older than the memory window; called on each heartbeat. */
  prune(): void {
    const at = this.now();
    for (const [id, until] of this.revokedSessions) if (until <= at) this.revokedSessions.delete(id);
    for (const [id, until] of this.deletedUsers) if (until <= at) this.deletedUsers.delete(id);
  }
}
