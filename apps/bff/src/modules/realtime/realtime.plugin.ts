import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import {
  CommonErrors,
  EventIdSchema,
  SessionRevokedEventSchema,
  UserDeletedEventSchema,
  WS_COACH_PATH,
  WS_LIMITS,
  WsCloseCode,
  WsErrors,
  parseOrThrow,
  type CoachEvent,
} from '@tt/shared';
import type { Cache } from '../../infra/cache';
import type { PubSub } from '../../infra/pubsub';
import type { AuthContext } from '../../plugins/auth-session';
import type { ClientEventsService } from './client-events.service';
import { createClientMessageHandler } from './client-messages';
import { ConnectionRegistry } from './connection-registry';
import { createConnectionSlots } from './connection-slots';
import { createSlidingWindowLimiter } from './rate-limiter';
import { createRealtimeMetrics, type RealtimeMetrics } from './realtime.metrics';
import { createSocketAcceptor, type Handshake } from './socket-acceptor';
import { safeJson } from '../../lib/safe-json';
import { createUpgradeGate } from './upgrade-gate';

export interface RealtimeOptions {
  events: { listAfter(userId: string, afterId: number, limit: number): Promise<CoachEvent[]> };
  clientEvents: ClientEventsService;
  pubsub: PubSub;
  cache: Cache;
  metrics: Registry;
  /** `PUBLIC_ORIGIN`: the only `Origin` a handshake is accepted from. */
  publicOrigin: string;
  /** The live session of a handshake request, or null. */
  authenticate(request: FastifyRequest): Promise<AuthContext | null>;
  /** Pub/sub channel of a user's coach events. */
  userChannel(userId: string): string;
  /** Channels on which the accounts module announces ended sessions and deleted users. */
  authChannels: { sessionRevoked: string; userDeleted: string };
  /** Ping interval; a peer silent for a whole interval is terminated (default 30 s). */
  heartbeatMs?: number;
  /** Socket lifetime before it is closed with 4002 so the client re-validates its cookie (default 24 h). */
  reauthMs?: number;
  /** Up to this fraction of `reauthMs` is taken off at random, so sockets opened together do not all reconnect together (default 0.05). */
  reauthJitter?: number;
  /** Per-socket send queue bound (default `WS_LIMITS.queueCapacity`, 100). */
  queueCapacity?: number;
  /**
   * Unsent bytes a socket may hold before messages wait in its queue instead (default 256 KiB,
   * several hundred events). With the queue bound this caps what a stalled peer costs until the
   * heartbeat cuts it (its pong is stuck behind the data): about 1,000 stalled sockets ≈ 300 MB.
   */
  maxBufferedBytes?: number;
  /** Sockets per user across every process (default `WS_LIMITS.socketsPerUser`, 5). */
  socketsPerUser?: number;
  /** Client messages per user per minute (default `WS_LIMITS.messagesPerMinute`, 20). */
  messagesPerMinute?: number;
  /** How long closing sockets get at shutdown before they are cut (default 1 s). */
  shutdownGraceMs?: number;
  now?: () => number;
  random?: () => number;
}

/** What the plugin exposes on the instance: this process's sockets and their metrics. */
export interface RealtimeHandle {
  connections: ConnectionRegistry;
  metrics: RealtimeMetrics;
}

declare module 'fastify' {
  interface FastifyInstance {
    realtime: RealtimeHandle;
  }
}

const HandshakeQuerySchema = z.object({ lastEventId: EventIdSchema.optional() });

/**
 * `GET /ws/coach` (DESIGN.md §5, blueprint §10). The handshake runs through Fastify like any
 * request, so a foreign `Origin` (403), no session (401) or a bad `lastEventId` (400) is answered
 * with problem+json before anything is upgraded. Owns this process's sockets: per-user fan-out
 * from pub/sub, the heartbeat, closing on logout, revocation and account deletion, and shutdown.
 */
async function realtime(app: FastifyInstance, options: RealtimeOptions) {
  const origin = new URL(options.publicOrigin).origin;
  const now = options.now ?? Date.now;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const metrics = createRealtimeMetrics(options.metrics);
  const connections = new ConnectionRegistry({
    pubsub: options.pubsub,
    channel: options.userChannel,
    logger: app.log,
    now,
  });
  const slots = createConnectionSlots({
    cache: options.cache,
    perUser: options.socketsPerUser ?? WS_LIMITS.socketsPerUser,
    ttlMs: heartbeatMs * 3,
  });
  const handleMessage = createClientMessageHandler({
    limiter: createSlidingWindowLimiter({
      cache: options.cache,
      limit: options.messagesPerMinute ?? WS_LIMITS.messagesPerMinute,
      windowMs: 60_000,
      prefix: 'ws:rate:',
      now,
    }),
    clientEvents: options.clientEvents,
    metrics,
    logger: app.log,
  });
  app.decorate('realtime', { connections, metrics });

  const endSockets = (sockets: { close(code: number, reason: string): void }[]) => {
    for (const socket of sockets) socket.close(WsCloseCode.SESSION_ENDED, 'session ended');
  };
  const unsubscribers = await Promise.all([
    options.pubsub.subscribe(options.authChannels.sessionRevoked, (message) => {
      const event = SessionRevokedEventSchema.safeParse(safeJson(message));
      if (event.success) endSockets(connections.endSession(event.data.userId, event.data.sessionId));
    }),
    options.pubsub.subscribe(options.authChannels.userDeleted, (message) => {
      const event = UserDeletedEventSchema.safeParse(safeJson(message));
      if (event.success) endSockets(connections.endUser(event.data.userId));
    }),
  ]);

  const acceptor = createSocketAcceptor({
    connections,
    slots,
    metrics,
    handleMessage,
    listAfter: (userId, afterId, limit) => options.events.listAfter(userId, afterId, limit),
    logger: app.log,
    queueCapacity: options.queueCapacity ?? WS_LIMITS.queueCapacity,
    maxBufferedBytes: options.maxBufferedBytes ?? 256 * 1024,
    reauthMs: options.reauthMs ?? 24 * 60 * 60_000,
    reauthJitter: options.reauthJitter ?? 0.05,
    now,
    random: options.random ?? Math.random,
  });

  const heartbeat = setInterval(() => {
    connections.prune();
    for (const connection of connections.all()) {
      if (!connection.alive) {
        connection.terminate();
        continue;
      }
      connection.ping();
      acceptor.refreshSlot(connection);
    }
  }, heartbeatMs);
  heartbeat.unref();

  // Before the server stops: tell every client to reconnect elsewhere (1012); then give the closing
  // handshakes a moment and cut what is left, so that no socket outlives the pools it cleans up with.
  app.addHook('preClose', async () => {
    for (const connection of acceptor.open())
      connection.close(WsCloseCode.SERVICE_RESTART, 'server restarting');
  });
  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    await acceptor.settled(options.shutdownGraceMs ?? 1000);
    for (const connection of acceptor.open()) connection.terminate();
    await acceptor.settled(1000);
    await Promise.all(unsubscribers.map((unsubscribe) => unsubscribe().catch(() => undefined)));
  });

  const handshakes = new WeakMap<FastifyRequest, Handshake>();
  const gate = createUpgradeGate(app.server, WS_COACH_PATH, (request, response) =>
    app.routing(request, response),
  );
  app.addHook('onClose', async () => gate.close());
  await app.register(async (scope) => {
    await scope.register(websocket, {
      options: { server: gate.upgrades, maxPayload: WS_LIMITS.maxPayloadBytes, perMessageDeflate: false },
      // Socket errors are the peer's doing (a frame over the limit, bad UTF-8, a reset): ws has
      // already sent the close code, so the socket is cut and the event logged, not as our error.
      errorHandler: (error, socket, request) => {
        request.log.info({ err: { message: error.message } }, 'coach socket error');
        socket.terminate();
      },
    });
    scope.route({
      method: 'GET',
      url: WS_COACH_PATH,
      preHandler: async (request) => {
        if (request.headers.origin !== origin) {
          throw WsErrors.FOREIGN_ORIGIN({ detail: 'The Origin header must be this site.' });
        }
        const auth = await options.authenticate(request);
        if (!auth) throw CommonErrors.UNAUTHENTICATED({ detail: 'Sign in, then connect again.' });
        const { lastEventId } = parseOrThrow(HandshakeQuerySchema, request.query, 'query');
        handshakes.set(request, { auth, lastEventId: lastEventId ?? null });
      },
      handler: async () => {
        throw WsErrors.UPGRADE_REQUIRED({
          detail: 'This endpoint speaks WebSocket only.',
          headers: { upgrade: 'websocket' },
        });
      },
      wsHandler: (socket, request) => acceptor.accept(socket, handshakes.get(request)!),
    });
  });
}

export const realtimePlugin = fp(realtime, { name: 'realtime' });
