import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Platform } from '../platform';
import type { Services } from './services';
import { importsRoutes } from './imports';
import { tradesRoutes } from './trades';
import { positionsRoutes } from './positions';
import { rulesRoutes } from './rules';
import { simulationsRoutes } from './simulations';
import { digestsRoutes } from './digests';
import { marketDataRoutes } from './market-data';
import { brokersRoutes, createBrokerConnectService } from './brokers';
import cookies from '../plugins/cookies';
import csrf from '../plugins/csrf';
import authSession from '../plugins/auth-session';
import rateLimits from '../plugins/rate-limit';
import idempotency from '../plugins/idempotency';
import { SESSION_REVOKED_CHANNEL, authRoutes, sessionPurge, settingsRoutes } from './auth';
import { auditRoutes } from './audit';
import { USER_DELETED_CHANNEL, privacyRoutes } from './privacy';
import { userChannel } from './coach-events';
import { realtimePlugin } from './realtime';

export interface ModuleContext {
  platform: Platform;
  services: Services;
  metrics: Registry;
  mountSandbox: boolean;
}

/** Feature modules, each a folder that owns its routes, service and repository. */
export async function registerModules(app: FastifyInstance, context: ModuleContext): Promise<void> {
  const { identity, privacy } = context.services;
  const { keyed } = identity;
  // Request security, in order: cookies, CSRF (before any body or session work), the session,
  // rate limits (keyed on the session), then idempotency (appended after each route's own auth).
  await app.register(cookies);
  await app.register(csrf, {
    publicOrigin: context.platform.config.http.publicOrigin,
    exemptPrefixes: ['/sandbox/'],
  });
  await app.register(authSession, { resolveToken: (token) => identity.sessions.resolve(token) });
  await app.register(rateLimits, {
    redis: context.platform.redis,
    nameSpace: `${context.platform.config.redisPrefix}:rl:`,
    defaultPerMinute: context.platform.config.rateLimitPerMinute,
    hashIp: (ip) => keyed.hash('rate-limit', ip),
  });
  await app.register(idempotency, {
    db: context.platform.database.db,
    anonymousScope: (request) => keyed.hash('anonymous-caller', request.ip),
    fingerprint: (value) => keyed.hash('idempotency', value),
  });
  await app.register(sessionPurge, { sessions: identity.sessions });
  await app.register(authRoutes, { auth: identity.auth });
  await app.register(settingsRoutes, { auth: identity.auth });
  await app.register(auditRoutes, { audit: identity.audit });
  await app.register(privacyRoutes, { privacy });

  if (context.mountSandbox) {
    const { sandboxPlugin } = await import('@tt/broker-sandbox');
    await app.register(sandboxPlugin, { prefix: '/sandbox' });
  }
  const { services, platform } = context;
  await app.register(importsRoutes, { imports: services.imports });
  await app.register(tradesRoutes, { trades: services.trades });
  await app.register(positionsRoutes, { positions: services.positions });
  await app.register(rulesRoutes, { rules: services.rules });
  await app.register(simulationsRoutes, { simulations: services.simulations });
  await app.register(digestsRoutes, { digests: services.digests });
  await app.register(marketDataRoutes, { marketData: services.marketData });
  await app.register(brokersRoutes, {
    brokers: services.brokers,
    connect: createBrokerConnectService({
      db: platform.database.db,
      cache: platform.cache,
      vault: platform.vault,
      adapters: services.adapters,
      audit: services.identity.audit,
      logger: platform.logger,
      publicOrigin: platform.config.http.publicOrigin,
    }),
  });
  await app.register(realtimePlugin, {
    events: services.events,
    clientEvents: services.clientEvents,
    pubsub: platform.pubsub,
    cache: platform.cache,
    metrics: context.metrics,
    publicOrigin: platform.config.http.publicOrigin,
    // The session was resolved from the cookie by auth-session on this very request.
    authenticate: async (request) => request.auth,
    userChannel,
    authChannels: { sessionRevoked: SESSION_REVOKED_CHANNEL, userDeleted: USER_DELETED_CHANNEL },
  });
}
