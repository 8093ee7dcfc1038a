import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import { createTestClient, mutationHeaders, signUpAndLogIn } from '../auth/auth.test-support';

describe('audit routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ worker: false });
  });
  afterAll(() => t.close());

  it("pages the caller's own entries newest first, and never another user's", async () => {
    const alice = await signUpAndLogIn(t.app, { remoteAddress: '192.0.2.1' });
    const bob = await signUpAndLogIn(t.app, { remoteAddress: '192.0.2.2' });
    await alice.client.request({
      method: 'PATCH',
      url: '/api/me/settings',
      headers: await mutationHeaders(alice.client),
      payload: { tone: 'strict' },
    });

    const first = await alice.client.request({ method: 'GET', url: '/api/audit?limit=2' });
    expect(first.statusCode).toBe(200);
    const page = first.json<{
      items: { id: string; action: string; meta: object }[];
      nextCursor: string | null;
    }>();
    expect(page.items.map((e) => e.action)).toEqual(['settings.change', 'login.success']);
    expect(page.items[0]?.meta).toEqual({ tone: 'strict' });
    expect(page.nextCursor).toEqual(expect.any(String));
    const second = await alice.client.request({
      method: 'GET',
      url: `/api/audit?limit=2&cursor=${page.nextCursor}`,
    });
    expect(second.json()).toMatchObject({ items: [{ action: 'signup' }], nextCursor: null });

    const own = await alice.client.request({ method: 'GET', url: `/api/audit/${page.items[0]!.id}` });
    expect(own.json()).toMatchObject({ action: 'settings.change' });
    const foreign = await bob.client.request({ method: 'GET', url: `/api/audit/${page.items[0]!.id}` });
    expect(foreign.statusCode).toBe(404);
    const bobsList = await bob.client.request({ method: 'GET', url: '/api/audit?limit=500' });
    expect(bobsList.json().items.map((e: { id: string }) => e.id)).not.toContain(page.items[0]!.id);
    expect((await bob.client.request({ method: 'GET', url: '/api/audit/not-a-uuid' })).statusCode).toBe(404);
  });

  it('refuses a limit over 500, and anonymous callers', async () => {
    const { client } = await signUpAndLogIn(t.app, { remoteAddress: '192.0.2.3' });
    const tooMany = await client.request({ method: 'GET', url: '/api/audit?limit=501' });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors[0].field).toBe('query.limit');
    expect((await createTestClient(t.app).request({ method: 'GET', url: '/api/audit' })).statusCode).toBe(
      401,
    );
  });
});
