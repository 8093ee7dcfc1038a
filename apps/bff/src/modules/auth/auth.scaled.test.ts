import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '@tt/db';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import { SESSION_COOKIE } from '../../plugins/cookies';
import { TEST_PASSWORD, createTestClient, mutationHeaders, signUpAndLogIn } from './auth.test-support';

const ADMIN_URL = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Scaled drivers: real PostgreSQL (a database made for this run and dropped after) and Redis. */
describe('auth on PostgreSQL and Redis', () => {
  const dbName = `tt_auth_${randomBytes(6).toString('hex')}`;
  // A fresh address and email per run: Redis keeps rate-limit and throttle counters between runs.
  const randomIp = () => `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
  const ip = randomIp();
  const limitedIp = `198.19.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  let t: TestApp;

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${dbName}`;
    t = await createTestApp({ worker: false, env: { DATABASE_URL: url.toString(), REDIS_URL } });
  });
  afterAll(async () => {
    await t?.close();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });

  it('runs the flow and stores an $argon2id$ hash in PostgreSQL', async () => {
    expect(t.platform.drivers).toMatchObject({ database: 'postgres', cache: 'redis' });
    const { client, email, userId } = await signUpAndLogIn(t.app, { remoteAddress: ip });
    expect((await client.request({ method: 'GET', url: '/api/auth/me' })).json()).toMatchObject({
      id: userId,
      email,
    });
    const [row] = await t.platform.database.db.select().from(users).where(eq(users.id, userId));
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
    const token = client.cookies.get(SESSION_COOKIE)!;
    expect(
      (
        await client.request({
          method: 'POST',
          url: '/api/auth/logout',
          headers: await mutationHeaders(client),
        })
      ).statusCode,
    ).toBe(204);
    const stale = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: `${SESSION_COOKIE}=${token}` },
    });
    expect(stale.statusCode).toBe(401);
  });

  it('limits logins per IP in Redis: the 11th–21st within a minute get 429', async () => {
    const { email } = await signUpAndLogIn(t.app, { remoteAddress: ip });
    const client = createTestClient(t.app, { remoteAddress: limitedIp });
    const headers = await mutationHeaders(client);
    const codes: number[] = [];
    for (let i = 0; i < 21; i++) {
      const response = await client.request({
        method: 'POST',
        url: '/api/auth/login',
        headers,
        payload: { email, password: TEST_PASSWORD },
      });
      codes.push(response.statusCode);
    }
    expect(codes.slice(0, 10).filter((c) => c === 429)).toEqual([]);
    expect(codes.slice(10)).toEqual(Array(11).fill(429));
    const keys = await t.platform.redis!.keys(`${t.config.redisPrefix}:rl:*`);
    // The counter lives in Redis under a keyed hash of the IP, never the raw address.
    expect(keys.some((k) => k.includes('/api/auth/login-ip:'))).toBe(true);
    expect(keys.some((k) => k.includes(limitedIp))).toBe(false);
  });
});
