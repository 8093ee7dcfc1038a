import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  signUpAndLogIn,
} from './auth.test-support';
import { SESSION_REVOKED_CHANNEL } from './session.service';

let ipSeq = 0;
/** Each scenario comes from its own address, so per-IP limits of one do not leak into another. */
const nextIp = () => `192.0.2.${++ipSeq}`;

describe('auth routes', () => {
  let t: TestApp;
  const revoked: { userId: string; sessionId: string }[] = [];

  beforeAll(async () => {
    t = await createTestApp({ worker: false });
    await t.platform.pubsub.subscribe(SESSION_REVOKED_CHANNEL, (m) => revoked.push(JSON.parse(m)));
  });
  afterAll(() => t.close());

  it('runs the whole flow: CSRF token, signup, login, me, logout, with the cookie flags', async () => {
    const client = createTestClient(t.app, { remoteAddress: nextIp() });
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
    const client = createTestClient(t.app, { remoteAddress: nextIp() });
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
    const client = createTestClient(t.app, { remoteAddress: nextIp() });
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
    const { userId, email } = await signUpAndLogIn(t.app, { remoteAddress: nextIp() });
    const client = createTestClient(t.app, { remoteAddress: nextIp() });
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

  it('answers the 11th–21st login within a minute from one IP with 429 and Retry-After', async () => {
    const { email } = await signUpAndLogIn(t.app, { remoteAddress: nextIp() });
    const client = createTestClient(t.app, { remoteAddress: nextIp() });
    const headers = await mutationHeaders(client);
    const codes: number[] = [];
    let last;
    for (let i = 0; i < 21; i++) {
      last = await client.request({
        method: 'POST',
        url: '/api/auth/login',
        headers,
        payload: { email, password: TEST_PASSWORD },
      });
      codes.push(last.statusCode);
    }
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(codes.slice(10)).toEqual(Array(11).fill(429));
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(last!.headers['ratelimit-limit']).toBeDefined();
    expect(last!.json()).toMatchObject({ code: 'HTTP.RATE_LIMITED', status: 429 });
  });

  it('caps anonymous auth traffic from one IP at 20 a minute, so alternating routes cannot double the rate', async () => {
    const client = createTestClient(t.app, { remoteAddress: nextIp() });
    const headers = await mutationHeaders(client);
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const login = await client.request({
        method: 'POST',
        url: '/api/auth/login',
        headers,
        payload: { email: `burst-${i}@example.com`, password: 'wrong password here' },
      });
      codes.push(login.statusCode);
    }
    for (let i = 0; i < 10; i++) {
      const signup = await client.request({
        method: 'POST',
        url: '/api/auth/signup',
        headers,
        payload: { email: 'burst@example.com', password: 'short' },
      });
      codes.push(signup.statusCode);
    }
    expect(codes).toEqual([...Array(10).fill(401), ...Array(9).fill(400), 429]);
  });

  it('slows an account down after repeated failures from many IPs, known or unknown alike', async () => {
    const { email } = await signUpAndLogIn(t.app, { remoteAddress: nextIp() });
    for (const target of [email, 'ghost-account@example.com']) {
      for (let i = 0; i < 10; i++) {
        const client = createTestClient(t.app, { remoteAddress: nextIp() });
        const response = await client.request({
          method: 'POST',
          url: '/api/auth/login',
          headers: await mutationHeaders(client),
          payload: { email: target, password: `wrong guess number ${i}` },
        });
        expect(response.statusCode).toBe(401);
      }
      const client = createTestClient(t.app, { remoteAddress: nextIp() });
      const locked = await client.request({
        method: 'POST',
        url: '/api/auth/login',
        headers: await mutationHeaders(client),
        payload: { email: target, password: TEST_PASSWORD },
      });
      expect(locked.statusCode).toBe(429);
      expect(locked.json()).toMatchObject({ code: 'AUTH.LOGIN_THROTTLED' });
      expect(Number(locked.headers['retry-after'])).toBe(30);
    }
  });

  it('issues a new session at each login and ends the one the browser held (no fixation)', async () => {
    const { client, email, password } = await signUpAndLogIn(t.app, { remoteAddress: nextIp() });
    const before = client.cookies.get(SESSION_COOKIE)!;
    const again = await client.request({
      method: 'POST',
      url: '/api/auth/login',
      headers: await mutationHeaders(client),
      payload: { email, password },
    });
    expect(again.statusCode).toBe(200);
    const after = client.cookies.get(SESSION_COOKIE)!;
    expect(after).not.toBe(before);
    const stale = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: `${SESSION_COOKIE}=${before}` },
    });
    expect(stale.statusCode).toBe(401);
    expect((await client.request({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
  });

  it("lists the user's own sessions and never reaches another user's (404)", async () => {
    const alice = await signUpAndLogIn(t.app, { remoteAddress: nextIp() });
    const aliceElsewhere = await signUpAndLogIn(t.app, {
      email: `x-${alice.email}`,
      remoteAddress: nextIp(),
    });
    const bob = await signUpAndLogIn(t.app, { remoteAddress: nextIp() });
    const second = createTestClient(t.app, { remoteAddress: nextIp() });
    await second.request({
      method: 'POST',
      url: '/api/auth/login',
      headers: await mutationHeaders(second),
      payload: { email: alice.email, password: alice.password },
    });

    const listed = await alice.client.request({ method: 'GET', url: '/api/auth/sessions' });
    const page = listed.json<{ items: { id: string; current: boolean }[]; nextCursor: null }>();
    expect(page.items).toHaveLength(2);
    expect(page.items.filter((s) => s.current)).toHaveLength(1);
    expect(page.nextCursor).toBeNull();
    expect(JSON.stringify(page)).not.toMatch(/hash/i);

    const bobSessions = (await bob.client.request({ method: 'GET', url: '/api/auth/sessions' })).json<{
      items: { id: string }[];
    }>();
    const bobSession = bobSessions.items[0]!.id;
    const denied = await alice.client.request({
      method: 'DELETE',
      url: `/api/auth/sessions/${bobSession}`,
      headers: await mutationHeaders(alice.client),
    });
    expect(denied.statusCode).toBe(404);
    expect((await bob.client.request({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
    const junk = await alice.client.request({
      method: 'DELETE',
      url: '/api/auth/sessions/not-a-uuid',
      headers: await mutationHeaders(alice.client),
    });
    expect(junk.statusCode).toBe(404);

    const other = page.items.find((s) => !s.current)!.id;
    const ended = await alice.client.request({
      method: 'DELETE',
      url: `/api/auth/sessions/${other}`,
      headers: await mutationHeaders(alice.client),
    });
    expect(ended.statusCode).toBe(204);
    expect((await second.request({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    expect(revoked).toContainEqual({ userId: alice.userId, sessionId: other });
    expect((await aliceElsewhere.client.request({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(
      200,
    );
  });

  it('changes the password, ending every other session but the current one', async () => {
    const { client, email, password, userId } = await signUpAndLogIn(t.app, { remoteAddress: nextIp() });
    const other = createTestClient(t.app, { remoteAddress: nextIp() });
    await other.request({
      method: 'POST',
      url: '/api/auth/login',
      headers: await mutationHeaders(other),
      payload: { email, password },
    });
    const change = async (payload: object) =>
      client.request({
        method: 'POST',
        url: '/api/auth/password',
        headers: await mutationHeaders(client),
        payload,
      });

    expect(
      (await change({ currentPassword: 'not my password at all', newPassword: 'a brand new passphrase' }))
        .statusCode,
    ).toBe(403);
    expect((await change({ currentPassword: password, newPassword: 'password12345' })).statusCode).toBe(400);
    revoked.length = 0;
    expect(
      (await change({ currentPassword: password, newPassword: 'a brand new passphrase' })).statusCode,
    ).toBe(204);
    expect(revoked.map((r) => r.userId)).toEqual([userId]);
    expect((await client.request({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
    expect((await other.request({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);

    const fresh = createTestClient(t.app, { remoteAddress: nextIp() });
    const login = async (pw: string) =>
      fresh.request({
        method: 'POST',
        url: '/api/auth/login',
        headers: await mutationHeaders(fresh),
        payload: { email, password: pw },
      });
    expect((await login(password)).statusCode).toBe(401);
    expect((await login('a brand new passphrase')).statusCode).toBe(200);
  });

  it('updates the time zone (IANA, canonical) and tone', async () => {
    const { client } = await signUpAndLogIn(t.app, { remoteAddress: nextIp() });
    const patch = async (payload: object) =>
      client.request({
        method: 'PATCH',
        url: '/api/me/settings',
        headers: await mutationHeaders(client),
        payload,
      });
    const ok = await patch({ timeZone: 'Europe/Paris', tone: 'strict' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ timeZone: 'Europe/Paris', tone: 'strict' });
    expect((await patch({ timeZone: 'US/Eastern' })).json()).toMatchObject({
      timeZone: 'America/New_York',
      tone: 'strict',
    });
    for (const payload of [
      { timeZone: 'Mars/Olympus_Mons' },
      { timeZone: '+01:00' },
      { tone: 'harsh' },
      {},
    ]) {
      expect((await patch(payload)).statusCode).toBe(400);
    }
    expect((await client.request({ method: 'GET', url: '/api/auth/me' })).json()).toMatchObject({
      timeZone: 'America/New_York',
    });
    const anonymous = createTestClient(t.app, { remoteAddress: nextIp() });
    expect(
      (
        await anonymous.request({
          method: 'PATCH',
          url: '/api/me/settings',
          headers: await mutationHeaders(anonymous),
          payload: { tone: 'strict' },
        })
      ).statusCode,
    ).toBe(401);
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
