import type { Adapters } from '../create-adapters';
import { createPkcePair, createState } from '../oauth/pkce';
import type { OAuthTokens } from '../types';

export const SANDBOX_REDIRECT_URI = 'http://127.0.0.1:3000/api/brokers/coinbase/connect/callback';

/** The adapter configuration for a sandbox listening at `url`. */
export function sandboxAdaptersConfig(url: string) {
  return {
    coinbase: {
      apiBaseUrl: url,
      authorizeUrl: `${url}/oauth/authorize`,
      tokenUrl: `${url}/oauth/token`,
      revokeUrl: `${url}/oauth/revoke`,
      clientId: 'trading-twin-tests',
      clientSecret: 'sbx_cs_trading_twin_tests',
    },
    binance: { apiBaseUrl: url, enabled: true },
  };
}

/**
 * The browser's part of the OAuth dance against the sandbox: open the consent page, submit
 * "Allow" for `account`, and read `code` and `state` off the 302 to the redirect URI.
 */
export async function consent(authorizeUrl: string, decision: 'allow' | 'deny', account = 'demo') {
  const page = await fetch(authorizeUrl);
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}`);
  await page.text();
  const answer = await fetch(authorizeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ decision, account }).toString(),
    redirect: 'manual',
  });
  await answer.text();
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) throw new Error(`consent answered ${answer.status}`);
  return new URL(location);
}

/** Connects Coinbase through the whole authorization-code + PKCE flow and returns the tokens. */
export async function connectSandboxCoinbase(adapters: Adapters, account = 'demo'): Promise<OAuthTokens> {
  const pkce = createPkcePair();
  const state = createState();
  const url = adapters.coinbase.oauth.authorizeUrl({
    state,
    codeChallenge: pkce.challenge,
    redirectUri: SANDBOX_REDIRECT_URI,
  });
  const redirect = await consent(url, 'allow', account);
  if (redirect.searchParams.get('state') !== state) throw new Error('state did not round-trip');
  const code = redirect.searchParams.get('code');
  if (!code) throw new Error('no code in the redirect');
  return adapters.coinbase.oauth.exchangeCode({
    code,
    codeVerifier: pkce.verifier,
    redirectUri: SANDBOX_REDIRECT_URI,
  });
}
