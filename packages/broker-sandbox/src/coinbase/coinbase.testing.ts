import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { SandboxAccount } from '../traders/trader.accounts';

/** Test support: a PKCE pair and an OAuth connection made through `app.inject`. */

export const TEST_CLIENT_ID = 'tt-test-client';
export const TEST_REDIRECT_URI = 'http://127.0.0.1:3000/api/brokers/coinbase/connect/callback';

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeQuery(challenge: string, extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    response_type: 'code',
    client_id: TEST_CLIENT_ID,
    redirect_uri: TEST_REDIRECT_URI,
    state: 'state-0123456789',
    scope: 'wallet:accounts:read,wallet:transactions:read,offline_access',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
}

/** Consents for `account` and exchanges the code; answers the token response. */
export async function connectWithInject(
  app: FastifyInstance,
  account: SandboxAccount = 'demo',
  prefix = '',
): Promise<{ access_token: string; refresh_token?: string; expires_in: number; scope: string }> {
  const { verifier, challenge } = pkcePair();
  const consent = await app.inject({
    method: 'POST',
    url: `${prefix}/oauth/authorize?${authorizeQuery(challenge)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ decision: 'allow', account }).toString(),
  });
  const code = new URL(String(consent.headers.location)).searchParams.get('code');
  if (!code) throw new Error(`consent failed with ${consent.statusCode}: ${consent.body}`);
  const token = await app.inject({
    method: 'POST',
    url: `${prefix}/oauth/token`,
    payload: {
      grant_type: 'authorization_code',
      code,
      redirect_uri: TEST_REDIRECT_URI,
      client_id: TEST_CLIENT_ID,
      client_secret: 'sbx-test-secret',
      code_verifier: verifier,
    },
  });
  if (token.statusCode !== 200)
    throw new Error(`token exchange failed with ${token.statusCode}: ${token.body}`);
  return token.json();
}
