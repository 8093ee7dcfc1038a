import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionRevokedEvent } from '@tt/shared';
import { users } from '@tt/db';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import { SESSION_COOKIE } from '../../plugins/cookies';
import {
  TEST_ORIGIN,
  TEST_PASSWORD,
  createTestClient,
  dumpTables,
  mutationHeaders,
  nextTestIp,
  recordRevocations,
  signUpAndLogIn,
} from './auth.test-support';

describe('auth routes', () => {
  let t: TestApp;
  let revoked: SessionRevokedEvent[];

  beforeAll(async () => {
    t = await createTestApp({ worker: false });
    revoked = await recordRevocations(t.platform.pubsub);
  });
  afterAll(() => t.close());

  it('runs the whole flow: CSRF token, signup, login, me, logout, with the cookie flags', async () => {
    const client = createTestClient(t.app, { remoteAddress: nextTestIp() });
    const csrf = await client.request({ method: 'GET', url: '/api/auth/csrf' });
    expect(csrf.statusCode).toBe(200);
    const token = csrf.json<{ token: string }>().token;
    const headers = { origin: TEST_ORIGIN, 'x-csrf-token': token };

    const signup = await client.request({
      method: 'POST',
      url: '/api/auth/signup',
      headers,
      payload: { email: '  Flow.Trader@Example.COM ', password: TEST_PASSWORD },
    });
    expect(signup.statusCode).toBe(201);
    const me = signup.json<{
      id: string;
      email: string;
      timeZone: string;
      tone: string;
      createdAt: string;
    }>();
    expect(me).toMatchObject({ email: 'flow.trader@example.com', timeZone: 'UTC', tone: 'supportive' });
    expect(signup.cookies.find((c) => c.name === SESSION_COOKIE)).toBeUndefined();

    const login = await client.request({
      method: 'POST',
      url: '/api/auth/login',
      headers,
      payload: { email: 'flow.trader@example.com', password: TEST_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toEqual(me);
    const cookie = login.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(cookie.domain).toBeUndefined();
    expect(Buffer.from(cookie.value, 'base64url')).toHaveLength(32);
    expect(String(login.headers['set-cookie'])).toMatch(/__Host-tt_session=[^;]+; .*HttpOnly/);

    const who = await client.request({ method: 'GET', url: '/api/auth/me' });
    expect(who.statusCode).toBe(200);
    expect(who.json()).toEqual(me);

    const logout = await client.request({ method: 'POST', url: '/api/auth/logout', headers });
    expect(logout.statusCode).toBe(204);
    expect(revoked.some((r) => r.userId === me.id)).toBe(true);
    const after = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: `${SESSION_COOKIE}=${cookie.value}` },
    });
    expect(after.statusCode).toBe(401);
    expect(after.headers['content-type']).toContain('application/problem+json');
  });

  it('answers 403 to a mutation without the CSRF token or from a foreign Origin', async () => {
    const client = createTestClient(t.app, { remoteAddress: nextTestIp() });
    const payload = { email: 'csrf@example.com', password: TEST_PASSWORD };
    const missing = await client.request({ method: 'POST', url: '/api/auth/signup', payload });
    expect(missing.statusCode).toBe(403);
    expect(missing.json()).toMatchObject({ code: 'CSRF.TOKEN_MISSING' });
    const foreign = await client.request({
      method: 'POST',
      url: '/api/auth/signup',
      headers: await mutationHeaders(client, { origin: 'https://evil.example' }),
      payload,
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toMatchObject({ code: 'CSRF.FOREIGN_ORIGIN' });
  });

  it('validates signup: email shape, password policy with field errors, a taken email', async () => {
    const client = createTestClient(t.app, { remoteAddress: nextTestIp() });
    const signup = async (payload: object) =>
      client.request({
        method: 'POST',
        url: '/api/auth/signup',
        headers: await mutationHeaders(client),
        payload,
      });
    const badEmail = await signup({ email: 'not-an-email', password: TEST_PASSWORD });
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.json().errors[0].field).toBe('body.email');
    const short = await signup({ email: 'policy@example.com', password: 'short-pass' });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors[0].field).toBe('body.password');
    const long = await signup({ email: 'policy@example.com', password: 'Zq8!vR2#kL9@'.repeat(11) });
    expect(long.statusCode).toBe(400);
    const common = await signup({ email: 'policy@example.com', password: 'qwerty123456' });
    expect(common.statusCode).toBe(400);
    expect(common.json()).toMatchObject({ code: 'AUTH.PASSWORD_REJECTED' });
    expect(
      (await signup({ email: 'unicode@example.com', password: 'пароль-очень-длинный-🔐' })).statusCode,
    ).toBe(201);
    expect((await signup({ email: 'UNICODE@example.com', password: TEST_PASSWORD })).statusCode).toBe(409);
  });

  it('gives an unknown email and a wrong password the same answer, and audits only the real account', async () => {
    const { userId, email } = await signUpAndLogIn(t.app, { remoteAddress: nextTestIp() });
    const client = createTestClient(t.app, { remoteAddress: nextTestIp() });
    const login = async (payload: object) =>
      client.request({
        method: 'POST',
        url: '/api/auth/login',
        headers: await mutationHeaders(client),
        payload,
      });
    const wrong = await login({ email, password: 'wrong password entirely' });
    const unknown = await login({ email: 'nobody-here@example.com', password: 'wrong password entirely' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const { instance: _a, ...wrongBody } = wrong.json();
    const { instance: _b, ...unknownBody } = unknown.json();
    expect(wrongBody).toEqual(unknownBody);
    expect(wrong.headers['content-type']).toBe(unknown.headers['content-type']);
    const entries = await t.services.identity.audit.list(userId, 50);
    expect(entries.items.map((e) => e.action)).toContain('login.failure');
  });

  it('stores $argon2id$ hashes, no raw session token, no raw IP or user agent', async () => {
    const ip = '198.51.100.77';
    const agent = 'DistinctiveAgent/9.9 (privacy check)';
    const client = createTestClient(t.app, { remoteAddress: ip });
    const email = 'stored@example.com';
    const headers = { ...(await mutationHeaders(client)), 'user-agent': agent };
    await client.request({
      method: 'POST',
      url: '/api/auth/signup',
      headers,
      payload: { email, password: TEST_PASSWORD },
    });
    await client.request({
      method: 'POST',
      url: '/api/auth/login',
      headers,
      payload: { email, password: TEST_PASSWORD },
    });
    const token = client.cookies.get(SESSION_COOKIE)!;
    const [user] = await t.platform.database.db.select().from(users).where(eq(users.email, email));
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);

    for (const [table, text] of await dumpTables(t.platform.database.db)) {
      expect(text, table).not.toContain(token);
      expect(text, table).not.toContain(ip);
      expect(text, table).not.toContain('DistinctiveAgent');
      expect(text, table).not.toContain(TEST_PASSWORD);
    }
  });
});
