import { createAdapters } from '../create-adapters';
import type { AdapterEvent, AdapterLogger, HttpClientOptions } from '../http/http.types';
import type { ApiKeyCredentials, CredentialProvider, OAuthTokens } from '../types';
import { createFakeFetch, createFakeTime, type FakeHandler } from './fake-fetch';

export const COINBASE_TEST_CONFIG = {
  apiBaseUrl: 'https://api.coinbase.test',
  authorizeUrl: 'https://login.coinbase.test/oauth2/auth',
  tokenUrl: 'https://login.coinbase.test/oauth2/token',
  clientId: 'tt-client-id',
  clientSecret: 'sbx_cs_client_secret_value',
};
export const BINANCE_TEST_BASE = 'https://api.binance.test';

/** Both adapters over a fake fetch, a fake clock and a sleep that only advances it. */
export function createTestAdapters(
  handler: FakeHandler,
  options: { http?: Partial<HttpClientOptions>; logger?: AdapterLogger; startMs?: number } = {},
) {
  const time = createFakeTime(options.startMs);
  const fake = createFakeFetch(handler);
  const events: AdapterEvent[] = [];
  const adapters = createAdapters({
    coinbase: COINBASE_TEST_CONFIG,
    binance: { apiBaseUrl: BINANCE_TEST_BASE, enabled: true },
    http: { fetch: fake.fetch, clock: time.clock, sleep: time.sleep, random: () => 0, ...options.http },
    ...(options.logger ? { logger: options.logger } : {}),
    onEvent: (e) => events.push(e),
  });
  return { adapters, coinbase: adapters.coinbase, binance: adapters.binance!, time, fake, events };
}

export function oauthCredentials(accessToken = 'sbx_at_test_access_token'): CredentialProvider<OAuthTokens> {
  return {
    get: async () => ({
      accessToken,
      refreshToken: 'sbx_rt_test_refresh_token',
      expiresAt: new Date(Date.UTC(2030, 0, 1)),
      scope: 'wallet:accounts:read,wallet:transactions:read,wallet:user:read,offline_access',
    }),
  };
}

export function apiKeyCredentials(
  apiKey = 'read-only-key-0001',
  apiSecret = 'sbx_sk_test_secret_value',
): CredentialProvider<ApiKeyCredentials> {
  return { get: async () => ({ apiKey, apiSecret }) };
}

/** Drains an adapter's page stream. */
export async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}
