import Fastify, { type FastifyInstance } from 'fastify';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { idempotencyKeys, openDatabase, type DatabaseHandle } from '@tt/db';
import { eq } from 'drizzle-orm';
import { installProblemHandlers } from '@tt/shared/http';
import cookies, { SESSION_COOKIE } from './cookies';
import authSession from './auth-session';
import idempotency, { attributeToUser } from './idempotency';
import { insertTestUser } from '../test-support/test-user';

const HOUR = 60 * 60_000;

describe('idempotency plugin', () => {
  let database: DatabaseHandle;
  let app: FastifyInstance;
  let clock = Date.parse('2025-05-01T10:00:00Z');
  const userIds: Record<string, string> = {};
  let runs = 0;
  let failNext = false;
  let release: (() => void) | undefined;

  const as = (user: string) => ({ cookie: `${SESSION_COOKIE}=${user.padEnd(43, '0')}` });
  const post = (
    url: string,
    key: string | undefined,
    payload: unknown,
    headers: Record<string, string> = {},
  ) =>
    app.inject({
      method: 'POST',
      url,
      payload: payload as object,
      headers: { ...headers, ...(key ? { 'idempotency-key': key } : {}) },
    });

  beforeAll(async () => {
    database = await openDatabase({ driver: 'pglite', dataDir: null });
    for (const name of ['alice', 'bob']) {
      userIds[name] = await insertTestUser(database.db, `${name}@example.com`);
    }
    app = Fastify();
    installProblemHandlers(app);
    await app.register(cookies);
    await app.register(authSession, {
      resolveToken: async (token) => {
        const userId = userIds[token.replace(/0+$/, '')];
        return userId ? { userId, sessionId: 'session' } : null;
      },
    });
    await app.register(idempotency, {
      db: database.db,
      anonymousScope: (request) => `ip-${request.ip}`,
      fingerprint: (value) => createHash('sha256').update(`test-key:${value}`).digest('hex'),
      now: () => new Date(clock),
      purgeIntervalMs: 25,
    });
    app.post('/api/orders', async (request, reply) => {
      runs++;
      if (failNext) {
        failNext = false;
        throw new Error('boom');
      }
      return reply.code(201).send({ run: runs, body: request.body });
    });
    app.post('/api/slow', async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return { done: true };
    });
    app.post('/api/empty', async (_request, reply) => reply.code(204).send());
    app.post('/api/signup', async (request, reply) => {
      attributeToUser(request, userIds.bob!);
      return reply.code(201).send({ id: userIds.bob });
    });
    app.post('/api/opt-out', { config: { idempotency: false } }, async () => ({ run: ++runs }));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await database.close();
  });

  it('replays the first answer for the same key and body: status, body and content type', async () => {
    const first = await post('/api/orders', 'order-1', { symbol: 'BTC-USD' }, as('alice'));
    const again = await post('/api/orders', 'order-1', { symbol: 'BTC-USD' }, as('alice'));
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.body).toBe(first.body);
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
  });

  it('replays an empty 204 answer', async () => {
    expect((await post('/api/empty', 'empty-1', {}, as('alice'))).statusCode).toBe(204);
    const again = await post('/api/empty', 'empty-1', {}, as('alice'));
    expect(again.statusCode).toBe(204);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('answers 422 when a key comes back with a different body or endpoint', async () => {
    await post('/api/orders', 'order-2', { qty: '1' }, as('alice'));
    const changed = await post('/api/orders', 'order-2', { qty: '2' }, as('alice'));
    expect(changed.statusCode).toBe(422);
    expect(changed.headers['content-type']).toContain('application/problem+json');
    expect(changed.json()).toMatchObject({ code: 'IDEMPOTENCY.KEY_REUSED' });
    expect((await post('/api/empty', 'order-2', { qty: '1' }, as('alice'))).statusCode).toBe(422);
  });

  it('answers 409 to a duplicate while the first is still in flight, then replays once it is done', async () => {
    const first = post('/api/slow', 'slow-1', {}, as('alice'));
    await vi.waitFor(() => expect(release).toBeDefined());
    const duplicate = await post('/api/slow', 'slow-1', {}, as('alice'));
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({ code: 'IDEMPOTENCY.IN_PROGRESS' });
    expect(duplicate.headers['retry-after']).toBe('1');
    release!();
    expect((await first).statusCode).toBe(200);
    const after = await post('/api/slow', 'slow-1', {}, as('alice'));
    expect(after.json()).toEqual({ done: true });
    expect(after.headers['idempotent-replayed']).toBe('true');
  });

  it('scopes keys per user and per anonymous caller', async () => {
    const before = runs;
    await post('/api/orders', 'shared-key', { a: 1 }, as('alice'));
    await post('/api/orders', 'shared-key', { a: 1 }, as('bob'));
    await app.inject({
      method: 'POST',
      url: '/api/orders',
      payload: { a: 1 },
      headers: { 'idempotency-key': 'shared-key' },
      remoteAddress: '192.0.2.1',
    });
    await app.inject({
      method: 'POST',
      url: '/api/orders',
      payload: { a: 1 },
      headers: { 'idempotency-key': 'shared-key' },
      remoteAddress: '192.0.2.2',
    });
    await app.inject({
      method: 'POST',
      url: '/api/orders',
      payload: { a: 1 },
      headers: { 'idempotency-key': 'shared-key' },
      remoteAddress: '192.0.2.2',
    });
    expect(runs - before).toBe(4);
  });

  it('keeps no 5xx answer, so a retry runs again', async () => {
    failNext = true;
    expect((await post('/api/orders', 'flaky-1', {}, as('alice'))).statusCode).toBe(500);
    const retry = await post('/api/orders', 'flaky-1', {}, as('alice'));
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
  });

  it('runs again once the 24 h window has passed, and purges expired rows', async () => {
    const first = await post('/api/orders', 'old-1', {}, as('alice'));
    clock += 24 * HOUR + 1;
    const later = await post('/api/orders', 'old-1', {}, as('alice'));
    expect(later.json<{ run: number }>().run).toBeGreaterThan(first.json<{ run: number }>().run);
    clock += 25 * HOUR;
    await vi.waitFor(async () => {
      expect(await database.db.select().from(idempotencyKeys)).toHaveLength(0);
    });
  });

  it('lets a key whose holder vanished be taken over once its lease has run out', async () => {
    await database.db.insert(idempotencyKeys).values({
      scope: `u:${userIds.alice}`,
      key: 'crashed-1',
      userId: userIds.alice,
      requestHash: createHash('sha256').update(`test-key:POST\n/api/orders\n{}`).digest('hex'),
      state: 'in_flight',
      createdAt: new Date(clock),
      lockedUntil: new Date(clock + 60_000),
      expiresAt: new Date(clock + 24 * HOUR),
    });
    expect((await post('/api/orders', 'crashed-1', {}, as('alice'))).statusCode).toBe(409);
    clock += 61_000;
    expect((await post('/api/orders', 'crashed-1', {}, as('alice'))).statusCode).toBe(201);
  });

  it('files an anonymous answer under the user it created, so it goes with them', async () => {
    await app.inject({
      method: 'POST',
      url: '/api/signup',
      payload: {},
      headers: { 'idempotency-key': 'signup-1' },
    });
    const [row] = await database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'signup-1'));
    expect(row?.userId).toBe(userIds.bob);
    expect(row?.scope.startsWith('a:')).toBe(true);
  });

  it('stores fingerprints, not bodies, of requests', async () => {
    await post('/api/orders', 'fp-1', { note: 'a-distinctive-note' }, as('alice'));
    const [row] = await database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'fp-1'));
    expect(row?.requestHash).not.toContain('distinctive');
  });

  it('refuses a malformed key with 400, and ignores keys on routes that opt out', async () => {
    const bad = await post('/api/orders', 'has spaces', {}, as('alice'));
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'IDEMPOTENCY.INVALID_KEY' });
    const a = await post('/api/opt-out', 'k', {}, as('alice'));
    const b = await post('/api/opt-out', 'k', {}, as('alice'));
    expect(b.json<{ run: number }>().run).toBe(a.json<{ run: number }>().run + 1);
  });

  it('does nothing for a POST without a key', async () => {
    const before = runs;
    await post('/api/orders', undefined, {}, as('alice'));
    await post('/api/orders', undefined, {}, as('alice'));
    expect(runs - before).toBe(2);
  });
});
