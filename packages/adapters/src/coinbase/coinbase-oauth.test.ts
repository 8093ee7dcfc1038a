import { describe, expect, it } from 'vitest';
import { COINBASE_TEST_CONFIG, createTestAdapters } from '../test-support/adapters';
import { appErrorOf } from '../test-support/app-error';
import { fixture } from '../test-support/fake-fetch';

describe('coinbase oauth', () => {
  it('builds the consent URL with PKCE S256, state and read scopes plus offline_access', () => {
    const { coinbase } = createTestAdapters(() => ({ json: {} }));
    const url = new URL(
      coinbase.oauth.authorizeUrl({
        state: 'state-123456789',
        codeChallenge: 'challenge',
        redirectUri: 'http://127.0.0.1:3000/cb',
      }),
    );
    expect(url.origin + url.pathname).toBe(COINBASE_TEST_CONFIG.authorizeUrl);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'tt-client-id',
      redirect_uri: 'http://127.0.0.1:3000/cb',
      state: 'state-123456789',
      scope: 'wallet:accounts:read,wallet:transactions:read,wallet:user:read,offline_access',
      code_challenge: 'challenge',
      code_challenge_method: 'S256',
    });
  });

  it('exchanges a code once with the verifier and turns expires_in into a date', async () => {
    const { coinbase, fake, time } = createTestAdapters(() => ({ json: fixture('coinbase/token.json') }));
    const tokens = await coinbase.oauth.exchangeCode({
      code: 'code-1',
      codeVerifier: 'verifier-1',
      redirectUri: 'http://x.test/cb',
    });
    expect(tokens).toEqual({
      accessToken: 'sbx_at_fixture_access_token_0001',
      refreshToken: 'sbx_rt_fixture_refresh_token_0001',
      expiresAt: new Date(time.clock.now() + 3600_000),
      scope: 'wallet:accounts:read,wallet:transactions:read,wallet:user:read,offline_access',
    });
    const call = fake.calls[0]!;
    expect(call.method).toBe('POST');
    expect(call.url.toString()).toBe(COINBASE_TEST_CONFIG.tokenUrl);
    expect(Object.fromEntries(new URLSearchParams(call.body))).toEqual({
      grant_type: 'authorization_code',
      code: 'code-1',
      code_verifier: 'verifier-1',
      redirect_uri: 'http://x.test/cb',
      client_id: 'tt-client-id',
      client_secret: COINBASE_TEST_CONFIG.clientSecret,
    });
  });

  it('reports a refused code as OAUTH_FAILED without retrying', async () => {
    const { coinbase, fake } = createTestAdapters(() => ({
      status: 400,
      json: fixture('coinbase/error-invalid-grant.json'),
    }));
    const error = await appErrorOf(
      coinbase.oauth.exchangeCode({ code: 'used', codeVerifier: 'v', redirectUri: 'http://x.test/cb' }),
    );
    expect([error.code, error.status]).toEqual(['BROKER.OAUTH_FAILED', 400]);
    expect(error.detail).toContain('invalid_grant');
    expect(fake.calls).toHaveLength(1);
  });

  it('refreshes with the refresh token exactly once, even when the server fails', async () => {
    const ok = createTestAdapters(() => ({ json: fixture('coinbase/token.json') }));
    const tokens = await ok.coinbase.oauth.refresh('sbx_rt_old');
    expect(tokens.refreshToken).toBe('sbx_rt_fixture_refresh_token_0001');
    expect(Object.fromEntries(new URLSearchParams(ok.fake.calls[0]!.body))).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'sbx_rt_old',
    });

    const down = createTestAdapters(() => ({ status: 503 }));
    expect((await appErrorOf(down.coinbase.oauth.refresh('sbx_rt_old'))).code).toBe('BROKER.UNAVAILABLE');
    expect(down.fake.calls).toHaveLength(1);

    const revoked = createTestAdapters(() => ({
      status: 400,
      json: fixture('coinbase/error-invalid-grant.json'),
    }));
    expect((await appErrorOf(revoked.coinbase.oauth.refresh('sbx_rt_spent'))).code).toBe(
      'BROKER.TOKEN_REVOKED',
    );
  });

  it('revokes at the revoke URL beside the token URL', async () => {
    const { coinbase, fake } = createTestAdapters(() => ({ json: {} }));
    await coinbase.oauth.revoke('sbx_at_to_revoke');
    expect(fake.calls[0]!.url.toString()).toBe('https://login.coinbase.test/oauth2/revoke');
    expect(new URLSearchParams(fake.calls[0]!.body).get('token')).toBe('sbx_at_to_revoke');
  });

  it('accepts read scopes and refuses a grant that can act', async () => {
    const { coinbase } = createTestAdapters(() => ({ json: {} }));
    const tokens = { accessToken: 'a', expiresAt: new Date(), scope: 'wallet:accounts:read offline_access' };
    expect(await coinbase.verifyReadOnly({ get: async () => tokens })).toEqual({
      scopes: ['wallet:accounts:read', 'offline_access'],
    });
    const writable = { ...tokens, scope: 'wallet:accounts:read,wallet:buys:create' };
    const error = await appErrorOf(coinbase.verifyReadOnly({ get: async () => writable }));
    expect([error.code, error.status]).toEqual(['BROKER.KEY_NOT_READ_ONLY', 422]);
    expect(error.detail).toContain('wallet:buys:create');
  });
});
