import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { WsCloseCode, type CoachEvent } from '@tt/shared';
import type { AuthContext } from '../../plugins/auth-session';
import { CoachConnection } from './coach-connection';
import type { ConnectionRegistry } from './connection-registry';
import type { ConnectionSlots } from './connection-slots';
import type { RealtimeMetrics } from './realtime.metrics';

/** What the handshake established before the upgrade. */
export interface Handshake {
  auth: AuthContext;
  lastEventId: number | null;
}

export interface SocketAcceptorOptions {
  connections: ConnectionRegistry;
  slots: ConnectionSlots;
  metrics: RealtimeMetrics;
  handleMessage(connection: CoachConnection, text: string | null): Promise<void>;
  listAfter(userId: string, afterId: number, limit: number): Promise<CoachEvent[]>;
  logger: FastifyBaseLogger;
  queueCapacity: number;
  maxBufferedBytes: number;
  reauthMs: number;
  reauthJitter: number;
  now: () => number;
  random: () => number;
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
}

/**
 * Takes an upgraded socket through its life: a slot under the per-user limit (else 4429), the
 * user's live subscription (else 4001 when the session ended meanwhile), the replay, inbound
 * messages, the 24 h re-auth close (4002), and the clean-up once it is gone.
 */
export function createSocketAcceptor(options: SocketAcceptorOptions) {
  const { connections, slots, metrics, logger } = options;
  const open = new Set<CoachConnection>();
  const slotOf = new WeakMap<CoachConnection, { slot: number; connectionId: string }>();
  const inProgress = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inProgress.add(promise);
    void promise.finally(() => inProgress.delete(promise));
    return promise;
  };

  async function establish(connection: CoachConnection, connectionId: string): Promise<boolean> {
    const slot = await slots.claim(connection.userId, connectionId);
    if (slot === null) {
      metrics.rejected.inc({ reason: 'too_many_connections' });
      connection.close(WsCloseCode.TOO_MANY_CONNECTIONS, 'too many connections');
      return false;
    }
    slotOf.set(connection, { slot, connectionId });
    if (!connection.isOpen) return false;
    if (!(await connections.add(connection))) {
      metrics.rejected.inc({ reason: 'session_ended' });
      connection.close(WsCloseCode.SESSION_ENDED, 'session ended');
      return false;
    }
    if (!connection.isOpen) return false;
    connection.start();
    return true;
  }

  function accept(socket: WebSocket, handshake: Handshake): void {
    const connection = new CoachConnection({
      socket,
      userId: handshake.auth.userId,
      sessionId: handshake.auth.sessionId,
      lastEventId: handshake.lastEventId,
      listAfter: options.listAfter,
      metrics,
      logger,
      queueCapacity: options.queueCapacity,
      maxBufferedBytes: options.maxBufferedBytes,
      now: options.now,
    });
    open.add(connection);
    const reauth = setTimeout(
      () => connection.close(WsCloseCode.REAUTHENTICATE, 'reauthenticate'),
      options.reauthMs * (1 - options.reauthJitter * options.random()),
    );
    reauth.unref();

    const ready = track(
      establish(connection, randomUUID()).catch((error: unknown) => {
        logger.error({ err: error, userId: connection.userId }, 'coach socket set-up failed');
        metrics.rejected.inc({ reason: 'error' });
        connection.close(WsCloseCode.INTERNAL_ERROR, 'server error');
        return false;
      }),
    );
    void ready.then((established) => {
      if (established) metrics.connections.inc();
    });

    socket.on('pong', () => {
      connection.alive = true;
    });
    // Listening at once: a message sent right after the handshake waits for the set-up, it is not lost.
    socket.on('message', (data, isBinary) => {
      connection.alive = true;
      void ready.then((established) =>
        established && connection.isOpen
          ? options.handleMessage(connection, isBinary ? null : textOf(data))
          : undefined,
      );
    });
    socket.once('close', () => {
      clearTimeout(reauth);
      connection.dispose();
      track(
        ready.then(async (established) => {
          open.delete(connection);
          connections.remove(connection);
          if (established) metrics.connections.dec();
          const held = slotOf.get(connection);
          if (held) {
            await slots
              .release(connection.userId, held.slot, held.connectionId)
              .catch((error: unknown) => logger.warn({ err: error }, 'coach socket slot release failed'));
          }
        }),
      );
    });
  }

  return {
    accept,
    /** Sockets this process holds, set up or not yet. */
    open: (): CoachConnection[] => [...open],
    /** Keeps the socket's slot under the per-user limit alive; called on each heartbeat. */
    refreshSlot(connection: CoachConnection): void {
      const held = slotOf.get(connection);
      if (!held) return;
      slots
        .refresh(connection.userId, held.slot, held.connectionId)
        .catch((error: unknown) => logger.warn({ err: error }, 'coach socket slot refresh failed'));
    },
    /** Resolves once every socket is closed and cleaned up, or after `withinMs`. */
    async settled(withinMs: number): Promise<void> {
      const deadline = Date.now() + withinMs;
      while ((open.size > 0 || inProgress.size > 0) && Date.now() < deadline) {
        // A timer, not only the clean-ups: sockets still open need the event loop to see their close.
        await Promise.race([...inProgress, new Promise((resolve) => setTimeout(resolve, 10))]).catch(
          () => undefined,
        );
      }
    },
  };
}

export type SocketAcceptor = ReturnType<typeof createSocketAcceptor>;
