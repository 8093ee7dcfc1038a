import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  biasTags,
  brokerConnections,
  coachEvents,
  digests,
  importRuns,
  notes,
  positions,
  reflections,
  rules,
  simulations,
  trades,
} from '@tt/db';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import {
  TEST_PASSWORD,
  createTestClient,
  dumpTables,
  mutationHeaders,
  signUpAndLogIn,
} from '../auth/auth.test-support';
import { USER_DELETED_CHANNEL } from './privacy.service';

/** One row in every table that belongs to a user, as the other modules would write them. */
async function seedUserData(t: TestApp, userId: string) {
  const { db } = t.platform.database;
  const at = new Date('2025-04-01T10:00:00Z');
  await db.insert(brokerConnections).values({
    userId,
    broker: 'coinbase',
    status: 'active',
    accessEnc: Buffer.from('sbx_at_plaintext-would-be-a-leak'),
    refreshEnc: Buffer.from('sbx_rt_plaintext-would-be-a-leak'),
    keyId: 'k1',
    scope: 'wallet:transactions:read',
  });
  const [trade] = await db
    .insert(trades)
    .values({
      userId,
      broker: 'coinbase',
      extId: `fill-${userId}`,
      symbol: 'BTC-USD',
      side: 'BUY',
      qty: '0.5',
      price: '64000.12',
      ts: at,
    })
    .returning();
  await db.insert(positions).values({
    userId,
    broker: 'coinbase',
    symbol: 'BTC-USD',
    entryTradeId: trade!.id,
    qty: '0.5',
    entryPrice: '64000.12',
    entryFee: '0',
    entryTs: at,
  });
  await db
    .insert(biasTags)
    .values({ tradeId: trade!.id, userId, label: 'FOMO', confidence: 0.8, features: { RSI_14: 77 } });
  await db.insert(reflections).values({
    userId,
    tradeId: trade!.id,
    label: 'FOMO',
    tone: 'supportive',
    text: 'You chased.',
    source: 'offline',
  });
  await db.insert(notes).values({ userId, tradeId: trade!.id, text: 'felt rushed' });
  await db.insert(rules).values({ userId, kind: 'minHoldHours', params: { hours: 4 } });
  await db.insert(digests).values({
    userId,
    periodStart: at,
    periodEnd: new Date(at.getTime() + 7 * 86_400_000),
    payload: { trades: 1 },
  });
  await db
    .insert(importRuns)
    .values({ userId, jobId: `job-${userId}`, status: 'succeeded', phase: 'done', since: at, until: at });
  await db
    .insert(coachEvents)
    .values({ userId, id: 1, type: 'coach.reflect', payload: { tradeId: trade!.id } });
  await db
    .insert(simulations)
    .values({ userId, cacheKey: 'k', request: { horizonDays: 3 }, result: { pnl: '1.00' } });
}

/** The public tables any of whose rows mention the value. */
async function tablesMentioning(t: TestApp, value: string): Promise<string[]> {
  const dump = await dumpTables(t.platform.database.db);
  return [...dump].filter(([, text]) => text.includes(value)).map(([table]) => table);
}

describe('privacy routes', () => {
  let t: TestApp;
  let ip = 0;
  const remoteAddress = () => `192.0.2.${++ip}`;

  beforeAll(async () => {
    t = await createTestApp({ worker: false });
  });
  afterAll(() => t.close());

  it("exports everything held about the user, and nothing of another user's or any credential", async () => {
    const alice = await signUpAndLogIn(t.app, { remoteAddress: remoteAddress() });
    const bob = await signUpAndLogIn(t.app, { remoteAddress: remoteAddress() });
    await seedUserData(t, alice.userId);
    await seedUserData(t, bob.userId);

    const response = await alice.client.request({ method: 'GET', url: '/api/me/export' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toContain('attachment');
    expect(response.headers['cache-control']).toBe('no-store');
    const data = response.json();
    expect(data.user).toMatchObject({ id: alice.userId, email: alice.email });
    expect(data.sessions).toHaveLength(1);
    expect(data.audit.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['signup', 'login.success']),
    );
    for (const section of [
      'brokerConnections',
      'trades',
      'tags',
      'positions',
      'reflections',
      'notes',
      'digests',
      'imports',
      'simulations',
      'coachEvents',
    ]) {
      expect(data[section], section).toHaveLength(1);
    }
    expect(data.rules).toContainEqual(
      expect.objectContaining({ kind: 'minHoldHours', params: { hours: 4 } }),
    );
    expect(data.trades[0]).toMatchObject({ symbol: 'BTC-USD', qty: '0.500000000000000000' });
    expect(data.brokerConnections[0]).toMatchObject({ broker: 'coinbase', status: 'active' });

    const text = response.body;
    expect(text).not.toContain(bob.userId);
    expect(text).not.toMatch(/sbx_(at|rt)_/);
    expect(text).not.toMatch(
      /accessEnc|refreshEnc|access_enc|passwordHash|password_hash|tokenHash|ipHash|uaHash/,
    );
    expect(text).not.toContain('$argon2id$');

    const audit = await alice.client.request({ method: 'GET', url: '/api/audit?limit=1' });
    expect(audit.json().items[0].action).toBe('export');
  });

  it('needs a session to export or delete', async () => {
    const anonymous = createTestClient(t.app, { remoteAddress: remoteAddress() });
    expect((await anonymous.request({ method: 'GET', url: '/api/me/export' })).statusCode).toBe(401);
    const deletion = await anonymous.request({
      method: 'DELETE',
      url: '/api/me',
      headers: await mutationHeaders(anonymous),
      payload: { password: TEST_PASSWORD },
    });
    expect(deletion.statusCode).toBe(401);
  });

  it('deletes the account with its password: login then fails and no row of theirs remains', async () => {
    const carol = await signUpAndLogIn(t.app, { remoteAddress: remoteAddress() });
    const dave = await signUpAndLogIn(t.app, { remoteAddress: remoteAddress() });
    await seedUserData(t, carol.userId);
    await seedUserData(t, dave.userId);
    await carol.client.request({
      method: 'POST',
      url: '/api/auth/logout',
      headers: await mutationHeaders(carol.client, { 'idempotency-key': 'carol-logout' }),
    });
    const again = createTestClient(t.app, { remoteAddress: remoteAddress() });
    await again.request({
      method: 'POST',
      url: '/api/auth/login',
      headers: await mutationHeaders(again),
      payload: { email: carol.email, password: carol.password },
    });
    const deleted: string[] = [];
    await t.platform.pubsub.subscribe(USER_DELETED_CHANNEL, (m) => deleted.push(m));

    const wrong = await again.request({
      method: 'DELETE',
      url: '/api/me',
      headers: await mutationHeaders(again),
      payload: { password: 'not the password at all' },
    });
    expect(wrong.statusCode).toBe(403);
    expect((await tablesMentioning(t, carol.userId)).length).toBeGreaterThan(5);
    const missing = await again.request({
      method: 'DELETE',
      url: '/api/me',
      headers: await mutationHeaders(again),
      payload: {},
    });
    expect(missing.statusCode).toBe(400);

    const ok = await again.request({
      method: 'DELETE',
      url: '/api/me',
      headers: await mutationHeaders(again),
      payload: { password: carol.password },
    });
    expect(ok.statusCode).toBe(204);
    expect(deleted.map((m) => JSON.parse(m))).toEqual([{ userId: carol.userId }]);
    expect(await tablesMentioning(t, carol.userId)).toEqual([]);
    expect(await tablesMentioning(t, carol.email)).toEqual([]);
    expect((await again.request({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);

    const retry = createTestClient(t.app, { remoteAddress: remoteAddress() });
    const login = await retry.request({
      method: 'POST',
      url: '/api/auth/login',
      headers: await mutationHeaders(retry),
      payload: { email: carol.email, password: carol.password },
    });
    expect(login.statusCode).toBe(401);

    expect((await tablesMentioning(t, dave.userId)).length).toBeGreaterThan(5);
    expect((await dave.client.request({ method: 'GET', url: '/api/me/export' })).json().trades).toHaveLength(
      1,
    );
  });
});
