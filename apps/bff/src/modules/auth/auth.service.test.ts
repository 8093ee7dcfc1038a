import { describe, expect, it } from 'vitest';
import type { AppError } from '@tt/shared';
import { createMemoryCache } from '../../infra/cache';
import { createLogger } from '../../logger';
import type { AuditService } from '../audit';
import { FAST_TEST_ARGON2 } from './auth.test-support';
import { createAuthService } from './auth.service';
import { createKeyedHasher } from './keyed-hash';
import { createLoginThrottle } from './login.throttle';
import { PRODUCTION_ARGON2, createPasswordHasher, type Argon2Params } from './password.hasher';
import { createPasswordPolicy } from './password.policy';
import type { SessionService } from './session.service';
import type { UserRepository, UserRow } from './user.repository';

const client = { ip: '192.0.2.10', userAgent: 'test' };

/** The service over in-memory stand-ins for its repositories, with a real hasher and throttle. */
function setup(argon2: Argon2Params) {
  const rows = new Map<string, UserRow>();
  const audited: string[] = [];
  const users = {
    insert: async (email: string, passwordHash: string) => {
      if ([...rows.values()].some((r) => r.email === email)) return undefined;
      const row = {
        id: crypto.randomUUID(),
        email,
        passwordHash,
        timeZone: 'UTC',
        tone: 'supportive',
        eventSeq: 0,
        createdAt: new Date(),
      };
      rows.set(row.id, row);
      return row;
    },
    findByEmail: async (email: string) => [...rows.values()].find((r) => r.email === email),
    findById: async (id: string) => rows.get(id),
    setPasswordHash: async (id: string, passwordHash: string) => {
      rows.set(id, { ...rows.get(id)!, passwordHash });
    },
  } as unknown as UserRepository;
  const sessions = {
    create: async () => ({ sessionId: crypto.randomUUID(), token: 'token', absoluteExpiresAt: new Date() }),
  } as unknown as SessionService;
  const audit = {
    record: async (_userId: string, action: string) => {
      audited.push(action);
    },
  } as unknown as AuditService;
  const service = createAuthService({
    users,
    sessions,
    hasher: createPasswordHasher(argon2),
    policy: createPasswordPolicy(),
    throttle: createLoginThrottle({
      cache: createMemoryCache(),
      hasher: createKeyedHasher(Buffer.alloc(32, 4)),
    }),
    audit,
    logger: createLogger('silent'),
  });
  return { service, rows, audited };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timedFailure(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  const error = await run().catch((e: unknown) => e);
  expect((error as AppError).code).toBe('AUTH.INVALID_CREDENTIALS');
  return performance.now() - started;
}

describe('createAuthService', () => {
  it('spends about as long on an unknown email as on a wrong password (production Argon2 cost)', async () => {
    const { service } = setup(PRODUCTION_ARGON2);
    await service.signup({ email: 'timing@example.com', password: 'correct horse battery staple' }, client);
    const known: number[] = [];
    const unknown: number[] = [];
    // A loaded test machine is noisy; the bounds still catch a skipped verification (about 100x faster).
    for (let i = 0; i < 7; i++) {
      known.push(
        await timedFailure(() =>
          service.login({ email: 'timing@example.com', password: `wrong guess ${i}` }, client),
        ),
      );
      unknown.push(
        await timedFailure(() =>
          service.login({ email: `nobody-${i}@example.com`, password: `wrong guess ${i}` }, client),
        ),
      );
    }
    const ratio = median(unknown) / median(known);
    expect(median(unknown)).toBeGreaterThan(5);
    expect(ratio).toBeGreaterThan(1 / 3);
    expect(ratio).toBeLessThan(3);
  });

  it('rehashes a stored hash made with weaker parameters at the next sign-in', async () => {
    const weak = setup(FAST_TEST_ARGON2);
    const me = await weak.service.signup(
      { email: 'upgrade@example.com', password: 'correct horse battery staple' },
      client,
    );
    const strong = setup({ ...FAST_TEST_ARGON2, timeCost: 2 });
    strong.rows.set(me.id, weak.rows.get(me.id)!);
    await strong.service.login(
      { email: 'upgrade@example.com', password: 'correct horse battery staple' },
      client,
    );
    expect(strong.rows.get(me.id)?.passwordHash).toMatch(/\$argon2id\$v=19\$m=256,t=2,p=1\$/);
  });

  it('matches a password typed in another Unicode form (NFKC)', async () => {
    const { service } = setup(FAST_TEST_ARGON2);
    await service.signup({ email: 'nfkc@example.com', password: 'ｃｏｒｒｅｃｔ horse battery ﬁne' }, client);
    const { me } = await service.login(
      { email: 'nfkc@example.com', password: 'correct horse battery fine' },
      client,
    );
    expect(me.email).toBe('nfkc@example.com');
  });

  it('refuses a correct password while the account is locked', async () => {
    const { service } = setup(FAST_TEST_ARGON2);
    await service.signup({ email: 'locked@example.com', password: 'correct horse battery staple' }, client);
    for (let i = 0; i < 10; i++)
      await timedFailure(() => service.login({ email: 'locked@example.com', password: `nope ${i}` }, client));
    const error = await service
      .login({ email: 'locked@example.com', password: 'correct horse battery staple' }, client)
      .catch((e: unknown) => e);
    expect((error as AppError).code).toBe('AUTH.LOGIN_THROTTLED');
    expect((error as AppError).headers?.['retry-after']).toBe('30');
  });
});
