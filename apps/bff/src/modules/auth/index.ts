import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Database } from '@tt/db';
import type { AppConfig } from '../../config/config';
import type { Cache } from '../../infra/cache';
import type { PubSub } from '../../infra/pubsub';
import type { Logger } from '../../logger';
import { createAuditRepository, createAuditService } from '../audit';
import { createAuthService } from './auth.service';
import { createHibpBreachCheck } from './breach-check';
import { createKeyedHasher, loadSessionSecret } from './keyed-hash';
import { createLoginThrottle } from './login.throttle';
import { createPasswordHasher, type Argon2Params } from './password.hasher';
import { createPasswordPolicy } from './password.policy';
import { createSessionRepository } from './session.repository';
import { createSessionService, type SessionService } from './session.service';
import { createUserRepository } from './user.repository';

export { authRoutes, clientOf } from './auth.routes';
export { settingsRoutes } from './settings.routes';
export { AuthErrors } from './auth.errors';
export {
  PRODUCTION_ARGON2,
  createPasswordHasher,
  type Argon2Params,
  type PasswordHasher,
} from './password.hasher';
export { createKeyedHasher, loadSessionSecret, type KeyedHasher, type KeyedHashPurpose } from './keyed-hash';
export { SESSION_REVOKED_CHANNEL, type ClientInfo, type SessionService } from './session.service';
export type { AuthService } from './auth.service';
export type { UserRepository } from './user.repository';

/** Knobs for tests and benchmarks; production runs on the defaults. */
export interface IdentityOptions {
  /** Argon2id cost (default `PRODUCTION_ARGON2`). Tests lower it; nothing else should. */
  argon2?: Argon2Params;
  /** Replaces fetch for the HIBP range API (tests). */
  hibpFetch?: typeof fetch;
  /** The clock of sessions (tests of idle and absolute expiry). */
  now?: () => Date;
}

export interface IdentityDeps {
  db: Database;
  cache: Cache;
  pubsub: PubSub;
  logger: Logger;
  config: Pick<AppConfig, 'env' | 'dataDir' | 'hibpEnabled'>;
}

/**
 * Accounts, sessions and the audit log, built once per process: the keyed hasher (from
 * `SESSION_SECRET` or `<DATA_DIR>/keys/session.key`), then audit, sessions and accounts on top.
 */
export function createIdentityServices(deps: IdentityDeps, options: IdentityOptions = {}) {
  const { db, cache, pubsub, logger, config } = deps;
  const keyed = createKeyedHasher(
    loadSessionSecret({ secret: config.env.SESSION_SECRET, keysDir: join(config.dataDir, 'keys') }),
  );
  const audit = createAuditService({ repository: createAuditRepository(db), hasher: keyed, logger });
  const sessions = createSessionService({
    repository: createSessionRepository(db),
    hasher: keyed,
    pubsub,
    ...(options.now ? { now: options.now } : {}),
  });
  const users = createUserRepository(db);
  const passwords = createPasswordHasher(options.argon2);
  const auth = createAuthService({
    users,
    sessions,
    hasher: passwords,
    policy: createPasswordPolicy({
      breachCheck: config.hibpEnabled
        ? createHibpBreachCheck({ logger, ...(options.hibpFetch ? { fetch: options.hibpFetch } : {}) })
        : undefined,
    }),
    throttle: createLoginThrottle({ cache, hasher: keyed }),
    audit,
    logger,
  });
  return { keyed, audit, sessions, users, auth };
}

export type IdentityServices = ReturnType<typeof createIdentityServices>;

/** Expired sessions are deleted hourly (a look-up already refuses them), so the table stays small. */
export async function sessionPurge(
  app: FastifyInstance,
  options: { sessions: SessionService; intervalMs?: number },
) {
  const timer = setInterval(
    () => {
      options.sessions
        .purgeExpired()
        .catch((error: unknown) => app.log.warn({ err: error }, 'session purge failed'));
    },
    options.intervalMs ?? 60 * 60_000,
  );
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
