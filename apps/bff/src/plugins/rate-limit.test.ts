import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import { Redis } from 'ioredis';
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { installProblemHandlers } from '@tt/shared/http';
import cookies, { SESSION_COOKIE } from './cookies';
import authSession from './auth-session';
import rateLimits, { BLUEPRINT_LIMITS, createLimitGuard, perIp, perUser } from './rate-limit';

const sessionOf = (user: string) => ({ cookie: `${SESSION_COOKIE}=${user.padEnd(43, '0')}` });

async function buildApp(redis?: Redis): Promise<FastifyInstance> {
  const app = Fastify();
  installProblemHandlers(app);
  await app.register(cookies);
  await app.register(authSession, {
    resolveToken: async (token) => ({ userId: token.replace(/0+$/, ''), sessionId: 'session' }),
  });
  await app.register(rateLimits, {
    redis,
    nameSpace: `tt:rl:test:${randomUUID()}:`,
    defaultPerMinute: 5,
    hashIp: (ip) => createHash('sha256').update(ip).digest('hex'),
  });
  app.post('/api/auth/login', { config: { rateLimit: BLUEPRINT_LIMITS.authCredentials } }, async () => ({
    ok: true,
  }));
  app.post('/api/trades/import', { config: { rateLimit: perUser(3) } }, async () => ({ ok: true }));
  app.get('/api/anything', async () => ({ ok: true }));
  app.get('/healthz', { config: { rateLimit: false } }, async () => ({ ok: true }));
  await app.register(async (scope) => {
    scope.addHook('onRequest', createLimitGuard(scope, { max: 4, key: (request) => `guard:${request.ip}` }));
    scope.post('/api/guarded', { config: { rateLimit: perIp(3) } }, async () => ({ ok: true }));
    scope.post('/api/guarded-too', { config: { rateLimit: perIp(3) } }, async () => ({ ok: true }));
  });
  await app.ready();
  return app;
}

async function statuses(app: FastifyInstance, count: number, request: InjectOptions) {
  const codes: number[] = [];
  for (let i = 0; i < count; i++) codes.push((await app.inject(request)).statusCode);
  return codes;
}

function describeStore(name: string, open: () => Promise<Redis | undefined>) {
  describe(`rate-limit plugin (${name} store)`, () => {
    let redis: Redis | undefined;
    let app: FastifyInstance;
    const apps: FastifyInstance[] = [];
    const fresh = async () => {
      redis ??= await open();
      app = await buildApp(redis);
      apps.push(app);
      return app;
    };
    afterAll(async () => {
      await Promise.all(apps.map((a) => a.close()));
      await redis?.quit();
    });

    it('answers the 11th–21st login within a minute from one IP with 429, the first 10 not', async () => {
      await fresh();
      const codes = await statuses(app, 21, {
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '203.0.113.10',
      });
      expect(codes.slice(0, 10).every((c) => c === 200)).toBe(true);
      expect(codes.slice(10)).toEqual(Array(11).fill(429));
      const other = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '203.0.113.11',
      });
      expect(other.statusCode).toBe(200);
    });

    it('names the buckets of an IP by its hash, so the store never holds the raw address', async () => {
      await fresh();
      await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '203.0.113.77' });
      expect(app.clientIpKey({ ip: '203.0.113.77' } as never)).toBe(
        `ip:${createHash('sha256').update('203.0.113.77').digest('hex')}`,
      );
      if (redis) {
        const keys = await redis.keys('tt:rl:test:*');
        expect(keys.some((k) => k.includes(createHash('sha256').update('203.0.113.77').digest('hex')))).toBe(
          true,
        );
        expect(keys.filter((k) => k.includes('203.0.113.77'))).toEqual([]);
      }
    });

    it('sends a 429 problem with Retry-After and the IETF RateLimit headers', async () => {
      await fresh();
      const first = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '203.0.113.20',
      });
      expect(first.headers['ratelimit-limit']).toBe('10');
      expect(first.headers['ratelimit-remaining']).toBe('9');
      expect(Number(first.headers['ratelimit-reset'])).toBeGreaterThan(0);
      await statuses(app, 9, { method: 'POST', url: '/api/auth/login', remoteAddress: '203.0.113.20' });
      const limited = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '203.0.113.20',
      });
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['content-type']).toContain('application/problem+json');
      expect(limited.json()).toMatchObject({ code: 'HTTP.RATE_LIMITED', status: 429 });
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.headers['ratelimit-remaining']).toBe('0');
    });

    it('limits per user, so users behind one IP do not share a budget', async () => {
      await fresh();
      const request = (user: string): InjectOptions => ({
        method: 'POST',
        url: '/api/trades/import',
        headers: sessionOf(user),
      });
      expect(await statuses(app, 4, request('alice'))).toEqual([200, 200, 200, 429]);
      expect(await statuses(app, 1, request('bob'))).toEqual([200]);
    });

    it('applies the default budget per caller to routes without their own limit, not to opted-out ones', async () => {
      await fresh();
      expect(
        await statuses(app, 6, { method: 'GET', url: '/api/anything', headers: sessionOf('carol') }),
      ).toEqual([200, 200, 200, 200, 200, 429]);
      expect(
        await statuses(app, 1, { method: 'GET', url: '/api/anything', headers: sessionOf('dave') }),
      ).toEqual([200]);
      expect(await statuses(app, 8, { method: 'GET', url: '/healthz' })).toEqual(Array(8).fill(200));
    });

    it('layers a guard over a subtree on top of each route limit', async () => {
      await fresh();
      const ip = '203.0.113.30';
      const a = await statuses(app, 3, { method: 'POST', url: '/api/guarded', remoteAddress: ip });
      const b = await statuses(app, 2, { method: 'POST', url: '/api/guarded-too', remoteAddress: ip });
      expect(a).toEqual([200, 200, 200]);
      expect(b).toEqual([200, 429]);
      const limited = await app.inject({ method: 'POST', url: '/api/guarded-too', remoteAddress: ip });
      expect(limited.headers['retry-after']).toBeDefined();
      expect(limited.json()).toMatchObject({ code: 'HTTP.RATE_LIMITED' });
    });
  });
}

describeStore('memory', async () => undefined);
describeStore('Redis', async () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    maxRetriesPerRequest: 1,
    lazyConnect: true,
  });
  await redis.connect();
  return redis;
});
