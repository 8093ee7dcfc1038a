import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createAdapters } from '@tt/adapters';
import { brokerConnections } from '@tt/db';
import { rotateKeys } from '../../cli/keys-rotate';
import { createVault, loadFileKeyStore } from '../../infra/keys';
import { mutationHeaders, signUpAndLogIn } from '../auth/auth.test-support';
import { openOAuthTokens } from './brokers.credentials';
import {
  createBrokerConnectionsService,
  type ActiveConnection,
  type BrokerConnectionsService,
} from './brokers.service';
import {
  CREDENTIAL_MARKERS,
  consentAtSandbox,
  createBrokersTestApp,
  dumpAllTables,
  followCallback,
  keysDir,
  redirectOf,
  type BrokersTestApp,
} from './brokers.test-support';

const DAY = 86_400_000;
/** Past the 5-minute margin of a one-hour token: the next call must renew it. */
const NEARLY_AN_HOUR = 56 * 60_000;

async function countFills(service: BrokerConnectionsService, conn: ActiveConnection, days: number) {
  const until = new Date();
  let fills = 0;
  for await (const page of service.fetchFills(conn, {
    since: new Date(until.getTime() - days * DAY),
    until,
  })) {
    fills += page.fills.length;
  }
  return fills;
}

describe('BrokerConnectionsService', () => {
  let t: BrokersTestApp;
  let user: Awaited<ReturnType<typeof signUpAndLogIn>>;
  let now = Date.now();
  const clock = { now: () => now };
  const spentRefreshTokens: string[] = [];
  let timed: BrokerConnectionsService;

  const connectCoinbase = async () => {
    const { returnUrl } = await consentAtSandbox(user.client, 'allow');
    expect(redirectOf(await followCallback(user.client, returnUrl)).params).toEqual({
      connected: 'coinbase',
    });
  };
  const connection = async (broker: 'coinbase' | 'binance') =>
    (await t.services.brokers.activeConnections(user.userId)).find((c) => c.broker === broker)!;
  const row = async (broker: 'coinbase' | 'binance') =>
    (
      await t.platform.database.db
        .select()
        .from(brokerConnections)
        .where(eq(brokerConnections.userId, user.userId))
    ).find((r) => r.broker === broker)!;

  beforeAll(async () => {
    t = await createBrokersTestApp();
    user = await signUpAndLogIn(t.app, { remoteAddress: '203.0.113.7' });
    await connectCoinbase();
    t.sandbox.binanceKeys.register('reader-key', 'sbx_sk_reader-secret');
    const binance = await user.client.request({
      method: 'POST',
      url: '/api/brokers/binance/connect/start',
      headers: await mutationHeaders(user.client),
      payload: { apiKey: 'reader-key', apiSecret: 'sbx_sk_reader-secret' },
    });
    expect(binance.statusCode, binance.body).toBe(200);

    // Coinbase adapters on a clock the test moves, recording every refresh token they spend.
    const recordingFetch: typeof fetch = async (input, init) => {
      if (typeof init?.body === 'string' && String(input).endsWith('/oauth/token')) {
        const form = new URLSearchParams(init.body);
        if (form.get('grant_type') === 'refresh_token') spentRefreshTokens.push(form.get('refresh_token')!);
      }
      return fetch(input, init);
    };
    const { platform, config } = t;
    timed = createBrokerConnectionsService({
      db: platform.database.db,
      cache: platform.cache,
      vault: platform.vault,
      adapters: createAdapters({
        coinbase: config.brokers.coinbase,
        binance: config.brokers.binance,
        http: { clock, fetch: recordingFetch },
        logger: platform.logger.child({ component: 'broker-http' }),
      }),
      logger: platform.logger,
      clock,
    });
  });
  afterAll(() => t.close());

  it('renews an expiring token with its single-use refresh token, never spending one twice', async () => {
    const conn = await connection('coinbase');
    expect(await countFills(timed, conn, 30)).toBeGreaterThan(0);
    expect(spentRefreshTokens).toEqual([]);

    now += NEARLY_AN_HOUR;
    expect(await countFills(timed, conn, 30)).toBeGreaterThan(0);
    expect(spentRefreshTokens).toHaveLength(1);

    now += NEARLY_AN_HOUR;
    // Two imports at once: one refresh between them, and both see the new token.
    const counts = await Promise.all([countFills(timed, conn, 30), countFills(timed, conn, 30)]);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBe(counts[0]);
    expect(spentRefreshTokens).toHaveLength(2);
    expect(new Set(spentRefreshTokens).size).toBe(2);

    const stored = openOAuthTokens(t.platform.vault, await row('coinbase'));
    expect(spentRefreshTokens).not.toContain(stored.refreshToken);
    expect(stored.expiresAt.getTime()).toBe(now + 3_600_000);
  });

  it('marks the connection as needing a reconnect when the exchange revoked the grant, and stops', async () => {
    const conn = await connection('coinbase');
    const { refreshToken } = openOAuthTokens(t.platform.vault, await row('coinbase'));
    await fetch(`${t.sandbox.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshToken!, client_id: 'trading-twin-test' }).toString(),
    });

    now += NEARLY_AN_HOUR;
    await expect(countFills(timed, conn, 30)).rejects.toMatchObject({ code: 'BROKER.TOKEN_REVOKED' });
    const [listed] = (await timed.list(user.userId)).filter((c) => c.broker === 'coinbase');
    expect(listed).toMatchObject({ status: 'error', lastError: { code: 'BROKER.TOKEN_REVOKED' } });
    expect(listed!.lastError!.message).toMatch(/connect Coinbase again/);
    expect((await timed.activeConnections(user.userId)).map((c) => c.broker)).toEqual(['binance']);
    const resume = await user.client.request({
      method: 'POST',
      url: '/api/brokers/coinbase/resume',
      headers: await mutationHeaders(user.client),
    });
    expect(resume.statusCode).toBe(409);

    await connectCoinbase();
    expect(await timed.list(user.userId)).toContainEqual(
      expect.objectContaining({ broker: 'coinbase', status: 'active', lastError: null }),
    );
  });

  it('records sync progress and errors for the import pipeline', async () => {
    const conn = await connection('binance');
    const at = new Date('2025-05-01T12:00:00.000Z');
    await t.services.brokers.saveSyncState(conn.id, { broker: 'binance', lastIds: { BTCUSDT: 42 } });
    await t.services.brokers.markSynced(conn.id, at);
    await t.services.brokers.markError(conn.id, {
      code: 'BROKER.UNAVAILABLE',
      message: 'Binance is having trouble.',
    });
    expect(await connection('binance')).toMatchObject({
      syncState: { broker: 'binance', lastIds: { BTCUSDT: 42 } },
      lastSyncAt: at,
    });
    expect((await t.services.brokers.list(user.userId)).find((c) => c.broker === 'binance')).toMatchObject({
      status: 'active',
      lastSyncAt: at.toISOString(),
      lastError: { code: 'BROKER.UNAVAILABLE' },
    });
    await t.services.brokers.markError(conn.id, null);
    await t.services.brokers.saveSyncState(conn.id, { broker: 'binance', lastIds: {} });
    expect((await t.services.brokers.allActiveConnections()).map((c) => c.id)).toContain(conn.id);
  });

  it('keeps every connection working after keys:rotate re-wraps them under a new key', async () => {
    const result = await rotateKeys({ config: t.config, db: t.platform.database.db });
    expect(result).toMatchObject({ driver: 'file', keyId: 'k2', keyIds: ['k1', 'k2'], keyAdded: true });
    expect(result.tables[0]).toMatchObject({ rewrapped: 2, failed: [], byKeyId: { k2: 2 } });

    // A process started after the rotation loads both keys from the data directory.
    const restarted = createBrokerConnectionsService({
      db: t.platform.database.db,
      cache: t.platform.cache,
      vault: createVault(loadFileKeyStore(keysDir(t.config))),
      adapters: t.services.adapters,
      logger: t.platform.logger,
    });
    const [coinbase, binance] = [await connection('coinbase'), await connection('binance')];
    expect(await countFills(restarted, coinbase, 30)).toBeGreaterThan(0);
    expect(await countFills(restarted, binance, 7)).toBeGreaterThan(0);
    expect((await restarted.activeConnections(user.userId)).map((c) => c.broker).sort()).toEqual([
      'binance',
      'coinbase',
    ]);
  });

  it('leaves no token, key secret or refresh token in clear in any table or log line', async () => {
    const dump = await dumpAllTables(t.platform.database.db);
    expect(dump).toContain('broker_connections');
    const logs = t.logs.join('');
    expect(logs).toContain('/api/brokers/coinbase/connect/callback?code=[redacted]');
    expect(logs).toContain('broker call');
    for (const marker of CREDENTIAL_MARKERS) {
      expect(dump, `database dump contains ${marker}`).not.toContain(marker);
      expect(logs, `logs contain ${marker}`).not.toContain(marker);
    }
  });

  it('revokes and deletes every connection of a user being deleted', async () => {
    const vault = createVault(loadFileKeyStore(keysDir(t.config)));
    const { accessToken } = openOAuthTokens(vault, await row('coinbase'));
    const service = createBrokerConnectionsService({
      db: t.platform.database.db,
      cache: t.platform.cache,
      vault,
      adapters: t.services.adapters,
      logger: t.platform.logger,
    });
    await service.revokeAllForUser(user.userId);
    expect(await service.list(user.userId)).toEqual([]);
    const fills = await fetch(`${t.sandbox.url}/api/v3/brokerage/orders/historical/fills`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(fills.status).toBe(401);
  });
});
