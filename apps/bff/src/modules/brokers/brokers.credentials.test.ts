import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFreshToken, type OAuthTokens } from '@tt/adapters';
import { brokerConnections, openDatabase, type DatabaseHandle } from '@tt/db';
import { createMemoryCache } from '../../infra/cache';
import { createVault, keyStoreFrom } from '../../infra/keys';
import { oauthTokenStore, openOAuthTokens, sealOAuthTokens, vaultContext } from './brokers.credentials';
import { findSealedConnection, upsertConnection } from './brokers.repository';
import { rewrapBrokerConnections } from './brokers.rewrap';
import { insertTestUser } from '../../test-support/test-user';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const vaultK1 = createVault(keyStoreFrom([k1]));
const vaultK2 = createVault(keyStoreFrom([k1, k2]));

const tokens = (n: number, expiresAt = new Date(Date.now() + 3_600_000)): OAuthTokens => ({
  accessToken: `sbx_at_access-${n}`,
  refreshToken: `sbx_rt_refresh-${n}`,
  expiresAt,
  scope: 'wallet:accounts:read,wallet:transactions:read',
});

describe('broker credentials', () => {
  let handle: DatabaseHandle;
  let userId: string;

  beforeAll(async () => {
    handle = await openDatabase({ driver: 'pglite', dataDir: null });
    userId = await insertTestUser(handle.db);
  });
  afterAll(() => handle.close());

  const connect = async (initial: OAuthTokens, vault = vaultK1) => {
    const id = randomUUID();
    await handle.db.delete(brokerConnections);
    await upsertConnection(handle.db, {
      id,
      userId,
      broker: 'coinbase',
      ...sealOAuthTokens(vault, { userId, connectionId: id }, initial),
    });
    return { id, userId };
  };

  it('binds each sealed token to its user and connection', async () => {
    const conn = await connect(tokens(1));
    const row = (await findSealedConnection(handle.db, conn.id))!;
    expect(openOAuthTokens(vaultK1, row).refreshToken).toBe('sbx_rt_refresh-1');
    expect(row.accessEnc.includes(Buffer.from('sbx_at_'))).toBe(false);
    const moved = { keyId: row.keyId, blob: row.accessEnc };
    expect(() =>
      vaultK1.open(moved, vaultContext({ userId, connectionId: randomUUID() }, 'access')),
    ).toThrow();
    expect(() =>
      vaultK1.open(moved, vaultContext({ userId: randomUUID(), connectionId: conn.id }, 'access')),
    ).toThrow();
    expect(() => vaultK1.open(moved, vaultContext({ userId, connectionId: conn.id }, 'refresh'))).toThrow();
  });

  it('stores rotated tokens even when a key re-wrap lands between the read and the write', async () => {
    const conn = await connect(tokens(1));
    const store = oauthTokenStore({ db: handle.db, vault: vaultK2, cache: createMemoryCache() }, conn);
    const previous = await store.load();
    const summary = await rewrapBrokerConnections({ db: handle.db, vault: vaultK2 });
    expect(summary.rewrapped).toBe(1);
    expect(await store.save(tokens(2), previous)).toBe(true);
    const reloaded = await store.load();
    expect(reloaded.accessToken).toBe('sbx_at_access-2');
    expect(reloaded.refreshToken).toBe('sbx_rt_refresh-2');
  });

  it('never overwrites tokens another writer already rotated', async () => {
    const conn = await connect(tokens(1));
    const store = oauthTokenStore({ db: handle.db, vault: vaultK1, cache: createMemoryCache() }, conn);
    const previous = await store.load();
    expect(await store.save(tokens(2), previous)).toBe(true);
    expect(await store.save(tokens(3), previous)).toBe(false);
    expect((await store.load()).refreshToken).toBe('sbx_rt_refresh-2');
  });

  it('spends a refresh token once when two workers find the access token expiring together', async () => {
    const conn = await connect(tokens(1, new Date(Date.now() + 60_000)));
    const cache = createMemoryCache();
    const spent: string[] = [];
    let issued = 1;
    const oauth = {
      refresh: async (refreshToken: string) => {
        spent.push(refreshToken);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return tokens(++issued);
      },
    };
    // Two processes: separate token stores and no shared in-process flight, only the cache lock.
    const workers = [1, 2].map(() =>
      withFreshToken(
        oauth,
        oauthTokenStore({ db: handle.db, vault: vaultK1, cache }, conn, { pollMs: 5 }),
        {},
      ),
    );
    const got = await Promise.all(workers.map((w) => w.get()));
    expect(spent).toEqual(['sbx_rt_refresh-1']);
    expect(got.map((t) => t.accessToken)).toEqual(['sbx_at_access-2', 'sbx_at_access-2']);
  });
});
