import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionRevokedEvent } from '@tt/shared';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import { SESSION_COOKIE } from '../../plugins/cookies';
import {
  createTestClient,
  mutationHeaders,
  nextTestIp,
  recordRevocations,
  signUpAndLogIn,
} from './auth.test-support';

describe('auth routes: sessions', () => {
  let t: TestApp;
  let revoked: SessionRevokedEvent[];

  beforeAll(async () => {
    t = await createTestApp({ worker: false });
    revoked = await recordRevocations(t.platform.pubsub);
  });
  afterAll(() => t.close());

  it('issues a new session at each login and ends the one the browser held (no fixation)', async () => {
    const { client, email, password } = await signUpAndLogIn(t.app, { remoteAddress: nextTestIp() });
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
    const alice = await signUpAndLogIn(t.app, { remoteAddress: nextTestIp() });
    const aliceElsewhere = await signUpAndLogIn(t.app, {
      email: `x-${alice.email}`,
      remoteAddress: nextTestIp(),
    });
    const bob = await signUpAndLogIn(t.app, { remoteAddress: nextTestIp() });
    const second = createTestClient(t.app, { remoteAddress: nextTestIp() });
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
    const { client, email, password, userId } = await signUpAndLogIn(t.app, { remoteAddress: nextTestIp() });
    const other = createTestClient(t.app, { remoteAddress: nextTestIp() });
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

    const fresh = createTestClient(t.app, { remoteAddress: nextTestIp() });
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
});
