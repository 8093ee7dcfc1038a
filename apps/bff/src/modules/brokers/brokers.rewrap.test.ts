import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '@tt/db';
import { createVault, keyStoreFrom } from '../../infra/keys';
import { openApiKey, openOAuthTokens, sealApiKey, sealOAuthTokens } from './brokers.credentials';
import { findSealedConnection, upsertConnection } from './brokers.repository';
import { rewrapBrokerConnections } from './brokers.rewrap';
import { insertTestUser } from '../../test-support/test-user';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

describe('rewrapBrokerConnections', () => {
  let handle: DatabaseHandle;
  const ids: { coinbase: string[]; binance: string[] } = { coinbase: [], binance: [] };

  beforeAll(async () => {
    handle = await openDatabase({ driver: 'pglite', dataDir: null });
    const vault = createVault(keyStoreFrom([k1]));
    for (let i = 0; i < 3; i++) {
      const userId = await insertTestUser(handle.db);
      const cb = randomUUID();
      await upsertConnection(handle.db, {
        id: cb,
        userId,
        broker: 'coinbase',
        ...sealOAuthTokens(
          vault,
          { userId, connectionId: cb },
          {
            accessToken: `sbx_at_${i}`,
            refreshToken: `sbx_rt_${i}`,
            expiresAt: new Date(),
            scope: 'wallet:accounts:read',
          },
        ),
      });
      const bn = randomUUID();
      await upsertConnection(handle.db, {
        id: bn,
        userId,
        broker: 'binance',
        ...sealApiKey(vault, { userId, connectionId: bn }, { apiKey: `key-${i}`, apiSecret: `sbx_sk_${i}` }),
      });
      ids.coinbase.push(cb);
      ids.binance.push(bn);
    }
  });
  afterAll(() => handle.close());

  it('moves every record to the newest key in batches, and they open without the old key', async () => {
    const summary = await rewrapBrokerConnections({
      db: handle.db,
      vault: createVault(keyStoreFrom([k1, k2])),
      batchSize: 4,
    });
    expect(summary).toMatchObject({ keyId: 'k2', scanned: 6, rewrapped: 6, failed: [], byKeyId: { k2: 6 } });

    const onlyNewKey = createVault(keyStoreFrom([k2]));
    for (const [i, id] of ids.coinbase.entries()) {
      const tokens = openOAuthTokens(onlyNewKey, (await findSealedConnection(handle.db, id))!);
      expect([tokens.accessToken, tokens.refreshToken]).toEqual([`sbx_at_${i}`, `sbx_rt_${i}`]);
    }
    for (const [i, id] of ids.binance.entries()) {
      expect(openApiKey(onlyNewKey, (await findSealedConnection(handle.db, id))!)).toEqual({
        apiKey: `key-${i}`,
        apiSecret: `sbx_sk_${i}`,
      });
    }

    const again = await rewrapBrokerConnections({
      db: handle.db,
      vault: createVault(keyStoreFrom([k1, k2])),
    });
    expect(again).toMatchObject({ scanned: 0, rewrapped: 0 });
  });

  it('reports a record it cannot open and leaves it as it was', async () => {
    const k3 = { id: 'k3', key: randomBytes(32) };
    // A vault that lost k2: the k2 records cannot be unwrapped.
    const summary = await rewrapBrokerConnections({
      db: handle.db,
      vault: createVault(keyStoreFrom([k1, k3])),
    });
    expect(summary.rewrapped).toBe(0);
    expect(summary.failed.sort()).toEqual([...ids.coinbase, ...ids.binance].sort());
    expect(summary.byKeyId).toEqual({ k2: 6 });
  });
});
