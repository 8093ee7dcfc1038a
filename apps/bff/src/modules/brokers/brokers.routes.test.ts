import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { brokerConnections } from '@tt/db';
import {
  createTestClient,
  mutationHeaders,
  signUpAndLogIn,
  type TestClient,
} from '../auth/auth.test-support';
import { openOAuthTokens } from './brokers.credentials';
import { CALLBACK_FAILURES } from './brokers.errors';
import {
  consentAtSandbox,
  createBrokersTestApp,
  followCallback,
  redirectOf,
  type BrokersTestApp,
} from './brokers.test-support';

describe('broker routes', () => {
  let t: BrokersTestApp;
  let ip = 0;
  const trader = () => signUpAndLogIn(t.app, { remoteAddress: `198.51.100.${++ip}` });

  beforeAll(async () => {
    t = await createBrokersTestApp();
  });
  afterAll(() => t.close());

  const rowsOf = (userId: string) =>
    t.platform.database.db.select().from(brokerConnections).where(eq(brokerConnections.userId, userId));
  const list = async (client: TestClient) => {
    const response = await client.request({ method: 'GET', url: '/api/brokers' });
    expect(response.statusCode).toBe(200);
    return (response.json() as { items: Record<string, unknown>[] }).items;
  };
  const auditActions = async (client: TestClient) =>
    (
      (await client.request({ method: 'GET', url: '/api/audit' })).json() as { items: { action: string }[] }
    ).items.map((e) => e.action);
  const post = async (client: TestClient, url: string, payload?: unknown) =>
    client.request({
      method: 'POST',
      url,
      headers: await mutationHeaders(client),
      ...(payload ? { payload } : {}),
    });

  it('connects Coinbase through the whole OAuth dance over HTTP', async () => {
    const alice = await trader();
    const { returnUrl, state } = await consentAtSandbox(alice.client, 'allow');
    expect(returnUrl.pathname).toBe('/api/brokers/coinbase/connect/callback');
    expect(returnUrl.searchParams.get('state')).toBe(state);

    const callback = await followCallback(alice.client, returnUrl);
    expect(redirectOf(callback)).toEqual({ path: '/connect', params: { connected: 'coinbase' } });
    expect(callback.headers['cache-control']).toBe('no-store');

    const [connection] = await list(alice.client);
    expect(connection).toMatchObject({
      broker: 'coinbase',
      status: 'active',
      lastSyncAt: null,
      lastError: null,
    });
    expect(connection!.scopes).toEqual(
      expect.arrayContaining(['wallet:transactions:read', 'offline_access']),
    );
    expect(Object.keys(connection!).sort()).toEqual([
      'broker',
      'createdAt',
      'lastError',
      'lastSyncAt',
      'scopes',
      'status',
    ]);
    expect(await auditActions(alice.client)).toContain('broker.connect');

    const [active] = await t.services.brokers.activeConnections(alice.userId);
    let fills = 0;
    const until = new Date();
    for await (const page of t.services.brokers.fetchFills(active!, {
      since: new Date(until.getTime() - 30 * 86_400_000),
      until,
    })) {
      fills += page.fills.length;
    }
    expect(fills).toBeGreaterThan(0);
  });

  it('refuses a reused state, and the replay changes nothing', async () => {
    const bob = await trader();
    const { returnUrl } = await consentAtSandbox(bob.client, 'allow');
    expect(redirectOf(await followCallback(bob.client, returnUrl)).params).toEqual({ connected: 'coinbase' });
    const [before] = await rowsOf(bob.userId);

    const replay = redirectOf(await followCallback(bob.client, returnUrl));
    expect(replay.params).toEqual({ error: 'invalid_state', reason: CALLBACK_FAILURES.invalid_state });
    const [after] = await rowsOf(bob.userId);
    expect(after!.accessEnc.equals(before!.accessEnc)).toBe(true);
    expect(after!.updatedAt).toEqual(before!.updatedAt);
  });

  it('refuses a wrong state, another user’s state, and a signed-out callback, storing nothing', async () => {
    const carol = await trader();
    const eve = await trader();
    const { returnUrl, state } = await consentAtSandbox(carol.client, 'allow');
    const code = returnUrl.searchParams.get('code')!;

    const forged = redirectOf(
      await followCallback(carol.client, returnUrl, `?code=${code}&state=${'A'.repeat(43)}`),
    );
    expect(forged.params.error).toBe('invalid_state');
    const signedOut = createTestClient(t.app, { remoteAddress: '198.51.100.250' });
    expect(redirectOf(await followCallback(signedOut, returnUrl)).params.error).toBe('signed_out');
    // The signed-out attempt used the state up: neither Eve nor Carol can complete it now.
    expect(redirectOf(await followCallback(eve.client, returnUrl)).params.error).toBe('invalid_state');
    expect(redirectOf(await followCallback(carol.client, returnUrl)).params.error).toBe('invalid_state');

    const second = await consentAtSandbox(carol.client, 'allow');
    expect(redirectOf(await followCallback(eve.client, second.returnUrl)).params.error).toBe('invalid_state');
    expect(redirectOf(await followCallback(carol.client, second.returnUrl)).params.error).toBe(
      'invalid_state',
    );

    expect(state).not.toBe(second.state);
    expect(await rowsOf(carol.userId)).toEqual([]);
    expect(await rowsOf(eve.userId)).toEqual([]);
  });

  it('refuses a code that was already exchanged', async () => {
    const dan = await trader();
    const first = await consentAtSandbox(dan.client, 'allow');
    expect(redirectOf(await followCallback(dan.client, first.returnUrl)).params.connected).toBe('coinbase');
    const [before] = await rowsOf(dan.userId);

    const start = await post(dan.client, '/api/brokers/coinbase/connect/start', {});
    const { state } = start.json() as { state: string };
    const usedCode = first.returnUrl.searchParams.get('code')!;
    const replay = redirectOf(
      await followCallback(dan.client, first.returnUrl, `?code=${usedCode}&state=${state}`),
    );
    expect(replay.params).toEqual({ error: 'exchange_failed', reason: CALLBACK_FAILURES.exchange_failed });
    const [after] = await rowsOf(dan.userId);
    expect(after!.accessEnc.equals(before!.accessEnc)).toBe(true);
  });

  it('sends the trader back with the reason when they deny consent', async () => {
    const fay = await trader();
    const { returnUrl } = await consentAtSandbox(fay.client, 'deny');
    expect(returnUrl.searchParams.get('error')).toBe('access_denied');
    const denied = redirectOf(await followCallback(fay.client, returnUrl));
    expect(denied).toEqual({
      path: '/connect',
      params: { error: 'access_denied', reason: CALLBACK_FAILURES.access_denied },
    });
    expect(await rowsOf(fay.userId)).toEqual([]);
  });

  it('refuses a Binance key that can trade or withdraw, naming the permission, and connects a read-only one', async () => {
    const gus = await trader();
    const connect = (apiKey: string) => {
      const apiSecret = `sbx_sk_${apiKey}-secret`;
      t.sandbox.binanceKeys.register(apiKey, apiSecret);
      return post(gus.client, '/api/brokers/binance/connect/start', { apiKey, apiSecret });
    };

    const trading = await connect('gus-trade-key');
    expect(trading.statusCode).toBe(422);
    expect(trading.headers['content-type']).toContain('application/problem+json');
    expect(trading.json()).toMatchObject({ code: 'BROKER.KEY_NOT_READ_ONLY' });
    expect(trading.json().detail).toContain('Spot & Margin Trading');
    const withdrawing = await connect('gus-withdraw-key');
    expect(withdrawing.statusCode).toBe(422);
    expect(withdrawing.json().detail).toContain('Withdrawals');
    expect(await rowsOf(gus.userId)).toEqual([]);

    const readOnly = await connect('gus-reader-key');
    expect(readOnly.statusCode).toBe(200);
    expect(readOnly.json()).toMatchObject({ broker: 'binance', status: 'active', scopes: ['read'] });
    expect(readOnly.body).not.toContain('sbx_sk_');
    expect(await list(gus.client)).toHaveLength(1);
  });

  it('pauses, resumes and disconnects, revoking the tokens at the exchange, with an audit entry each', async () => {
    const hal = await trader();
    await followCallback(hal.client, (await consentAtSandbox(hal.client, 'allow')).returnUrl);

    const paused = await post(hal.client, '/api/brokers/coinbase/pause');
    expect(paused.json()).toMatchObject({ broker: 'coinbase', status: 'paused' });
    expect(await t.services.brokers.activeConnections(hal.userId)).toEqual([]);
    const resumed = await post(hal.client, '/api/brokers/coinbase/resume');
    expect(resumed.json()).toMatchObject({ status: 'active' });
    expect(await t.services.brokers.activeConnections(hal.userId)).toHaveLength(1);

    const [row] = await rowsOf(hal.userId);
    const { accessToken } = openOAuthTokens(t.platform.vault, row!);
    const fillsUrl = `${t.sandbox.url}/api/v3/brokerage/orders/historical/fills`;
    const authorized = { headers: { authorization: `Bearer ${accessToken}` } };
    expect((await fetch(fillsUrl, authorized)).status).toBe(200);

    const removed = await hal.client.request({
      method: 'DELETE',
      url: '/api/brokers/coinbase',
      headers: await mutationHeaders(hal.client),
    });
    expect(removed.statusCode).toBe(204);
    expect(await rowsOf(hal.userId)).toEqual([]);
    expect((await fetch(fillsUrl, authorized)).status).toBe(401);
    expect(await auditActions(hal.client)).toEqual(
      expect.arrayContaining(['broker.connect', 'broker.pause', 'broker.resume', 'broker.disconnect']),
    );
  });

  it('never lets one trader reach another trader’s connection', async () => {
    const ivy = await trader();
    const joe = await trader();
    await followCallback(ivy.client, (await consentAtSandbox(ivy.client, 'allow')).returnUrl);

    expect(await list(joe.client)).toEqual([]);
    for (const action of ['pause', 'resume']) {
      const response = await post(joe.client, `/api/brokers/coinbase/${action}`);
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('BROKERS.NOT_CONNECTED');
    }
    const removal = await joe.client.request({
      method: 'DELETE',
      url: '/api/brokers/coinbase',
      headers: await mutationHeaders(joe.client),
    });
    expect(removal.statusCode).toBe(404);
    expect(await list(ivy.client)).toEqual([
      expect.objectContaining({ broker: 'coinbase', status: 'active' }),
    ]);
    expect(await t.services.brokers.activeConnections(joe.userId)).toEqual([]);
  });

  it('answers problems for unknown brokers, API-key callbacks and signed-out callers', async () => {
    const kim = await trader();
    const unknown = await post(kim.client, '/api/brokers/kraken/connect/start', {});
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('BROKERS.UNKNOWN_BROKER');
    const callback = await kim.client.request({
      method: 'GET',
      url: '/api/brokers/binance/connect/callback?code=x',
    });
    expect(callback.statusCode).toBe(404);
    const anonymous = createTestClient(t.app, { remoteAddress: '198.51.100.251' });
    expect((await anonymous.request({ method: 'GET', url: '/api/brokers' })).statusCode).toBe(401);
    expect((await post(anonymous, '/api/brokers/coinbase/connect/start', {})).statusCode).toBe(401);
  });
});
