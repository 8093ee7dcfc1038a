import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { installProblemHandlers } from '@tt/shared/http';
import type { CoachEvent, DigestReady } from '@tt/shared';
import { createMemoryCache } from '../../infra/cache';
import { createMemoryPubSub } from '../../infra/pubsub';
import type { ClientEventsService } from './client-events.service';
import { realtimePlugin, type RealtimeOptions } from './realtime.plugin';

export const HUB_ORIGIN = 'http://127.0.0.1:3000';
export const AUTH_CHANNELS = { sessionRevoked: 'auth.session-revoked', userDeleted: 'auth.user-deleted' };
const userChannel = (userId: string) => `coach:${userId}`;

/** A command service that answers from memory, for tests of the socket rather than the data. */
export const echoClientEvents: ClientEventsService = {
  askReflection: async (_userId, { tradeId, tone }) => ({
    id: '00000000-0000-4000-8000-000000000001',
    tradeId,
    label: 'FOMO',
    tone,
    text: 'You bought into a spike. Wait for one pullback next time.',
    feedback: null,
    createdAt: new Date(0).toISOString(),
  }),
  giveFeedback: async () => undefined,
  addNote: async (_userId, { tradeId, text }) => ({
    id: '00000000-0000-4000-8000-000000000002',
    tradeId,
    text,
    createdAt: new Date(0).toISOString(),
  }),
};

export interface TestHub {
  app: FastifyInstance;
  base: string;
  metrics: Registry;
  publish(channel: string, message: unknown): Promise<void>;
  /** Stores and publishes an event for the user, as CoachEventsService does. */
  raise(userId: string, payload?: Partial<DigestReady>): Promise<CoachEvent>;
  /** Publishes without storing: a live event whose size the test chooses. */
  publishLive(userId: string, id: number, padding: number): Promise<void>;
  /** A cookie header that authenticates as the user with this session. */
  cookieFor(userId: string, sessionId: string): string;
  /** The sum of a counter's or gauge's values over its labels. */
  metric(name: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The realtime plugin alone on a Fastify instance with in-memory pub/sub, cache and event store,
 * and cookies that name their session directly, so its socket mechanics can be tested fast.
 */
export async function startTestHub(overrides: Partial<RealtimeOptions> = {}): Promise<TestHub> {
  const pubsub = createMemoryPubSub();
  const cache = createMemoryCache();
  const metrics = new Registry();
  const stored = new Map<string, CoachEvent[]>();
  const sessions = new Map<string, { userId: string; sessionId: string }>();
  const app = Fastify();
  installProblemHandlers(app);
  await app.register(realtimePlugin, {
    events: {
      listAfter: async (userId, afterId, limit) =>
        (stored.get(userId) ?? []).filter((e) => Number(e.id) > afterId).slice(0, limit),
    },
    clientEvents: echoClientEvents,
    pubsub,
    cache,
    metrics,
    publicOrigin: HUB_ORIGIN,
    authenticate: async (request) => sessions.get(request.headers.cookie ?? '') ?? null,
    userChannel,
    authChannels: AUTH_CHANNELS,
    ...overrides,
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    base,
    metrics,
    publish: (channel, message) => pubsub.publish(channel, JSON.stringify(message)),
    async raise(userId, payload = {}) {
      const events = stored.get(userId) ?? [];
      const event: CoachEvent = {
        digestId: `d${events.length + 1}`,
        periodStart: '2026-11-16T00:00:00.000Z',
        periodEnd: '2026-11-23T00:00:00.000Z',
        ...payload,
        id: String(events.length + 1),
        type: 'digest.ready',
        ts: new Date().toISOString(),
      };
      stored.set(userId, [...events, event]);
      await pubsub.publish(userChannel(userId), JSON.stringify(event));
      return event;
    },
    publishLive: (userId, id, padding) =>
      pubsub.publish(
        userChannel(userId),
        JSON.stringify({
          id: String(id),
          type: 'digest.ready',
          ts: new Date().toISOString(),
          digestId: 'x'.repeat(padding),
          periodStart: '2026-11-16T00:00:00.000Z',
          periodEnd: '2026-11-23T00:00:00.000Z',
        }),
      ),
    cookieFor(userId, sessionId) {
      const cookie = `session=${sessionId}`;
      sessions.set(cookie, { userId, sessionId });
      return cookie;
    },
    async metric(name) {
      const metric = await metrics.getSingleMetric(name)?.get();
      return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
    },
    async close() {
      await app.close();
      await pubsub.close();
      await cache.close();
    },
  };
}
