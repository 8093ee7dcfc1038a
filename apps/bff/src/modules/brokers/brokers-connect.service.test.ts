import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapters, pkceChallenge } from '@tt/adapters';
import { brokerConnections, openDatabase, type DatabaseHandle } from '@tt/db';
import { createMemoryCache } from '../../infra/cache';
import { createVault, keyStoreFrom } from '../../infra/keys';
import { createLogger } from '../../logger';
import { createBrokerConnectService } from './brokers-connect.service';
import { insertTestUser } from '../../test-support/test-user';

describe('createBrokerConnectService', () => {
  let handle: DatabaseHandle;
  let userId: string;
  let now = Date.now();
  const cache = createMemoryCache({ now: () => now });
  const vault = createVault(keyStoreFrom([{ id: 'k1', key: randomBytes(32) }]));
  // Nothing listens there: these tests never reach the exchange.
  const adapters = createAdapters({
    coinbase: {
      clientId: 'client-1',
      clientSecret: 'secret-1',
      apiBaseUrl: 'http://127.0.0.1:9',
      authorizeUrl: 'http://127.0.0.1:9/oauth/authorize',
      tokenUrl: 'http://127.0.0.1:9/oauth/token',
    },
    binance: { enabled: false, apiBaseUrl: 'http://127.0.0.1:9' },
    http: { maxRetries: 0, timeoutMs: 500 },
  });

  beforeAll(async () => {
    handle = await openDatabase({ driver: 'pglite', dataDir: null });
    userId = await insertTestUser(handle.db);
  });
  afterAll(() => handle.close());

  const service = () =>
    createBrokerConnectService({
      db: handle.db,
      cache,
      vault,
      adapters,
      logger: createLogger('silent'),
      publicOrigin: 'https://app.example.test/',
    });

  it('sends the trader to the consent page with state, PKCE S256 and our callback', async () => {
    const { url, state } = await service().startOAuth(userId, 'coinbase');
    const params = new URL(url).searchParams;
    expect(params.get('state')).toBe(state);
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('client_id')).toBe('client-1');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('redirect_uri')).toBe('https://app.example.test/api/brokers/coinbase/connect/callback');
    expect(params.get('scope')).toContain('offline_access');
    const intent = (await cache.get(`brokers:oauth-intent:${state}`))!;
    // The verifier is sealed in the intent: the challenge cannot be matched to anything stored in clear.
    for (const value of Object.values(JSON.parse(intent) as Record<string, unknown>)) {
      if (typeof value === 'string') expect(pkceChallenge(value)).not.toBe(params.get('code_challenge'));
    }
  });

  it('refuses a state older than ten minutes and stores nothing', async () => {
    const { state } = await service().startOAuth(userId, 'coinbase');
    now += 10 * 60_000 + 1;
    const outcome = await service().completeOAuth(userId, 'coinbase', { state, code: 'any-code' });
    expect(outcome).toEqual({ ok: false, failure: 'invalid_state' });
    expect(await handle.db.select().from(brokerConnections)).toEqual([]);
  });

  it('refuses an API-key broker that is switched off, and OAuth for an API-key broker', async () => {
    await expect(service().connectApiKey(userId, 'binance', {})).rejects.toMatchObject({
      code: 'BROKER.DISABLED',
    });
    await expect(service().startOAuth(userId, 'binance')).rejects.toMatchObject({
      code: 'BROKERS.NOT_OAUTH',
    });
  });
});
