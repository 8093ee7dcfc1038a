import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import { createTestClient, mutationHeaders, nextTestIp, signUpAndLogIn } from './auth.test-support';

describe('settings routes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ worker: false });
  });
  afterAll(() => t.close());

  it('updates the time zone (IANA, canonical) and tone', async () => {
    const { client } = await signUpAndLogIn(t.app, { remoteAddress: nextTestIp() });
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
    const anonymous = createTestClient(t.app, { remoteAddress: nextTestIp() });
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
});
