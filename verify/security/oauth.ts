import { createHash, randomBytes } from 'node:crypto';
import { mutationHeaders, type TestClient } from '../../apps/bff/src/modules/auth/auth.test-support';
import type { Section } from '../lib/report';
import type { AppUnderTest } from './app-under-test';
import { anonymous, newTrader } from './fixtures';

/** Starts Coinbase OAuth for a trader; answers the exchange's consent URL and the state. */
async function start(client: TestClient): Promise<{ url: URL; state: string }> {
  const res = await client.request({
    method: 'POST',
    url: '/api/brokers/coinbase/connect/start',
    headers: await mutationHeaders(client),
    payload: {},
  });
  const body = res.json() as { url: string; state: string };
  return { url: new URL(body.url), state: body.state };
}

/** Presses Allow on the sandbox's consent page; answers the code the exchange sends back. */
async function consent(url: URL): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    body: new URLSearchParams({ decision: 'allow', account: 'demo' }),
    redirect: 'manual',
  });
  return new URL(res.headers.get('location')!).searchParams.get('code')!;
}

async function callback(client: TestClient, query: Record<string, string>): Promise<string> {
  const res = await client.request({
    method: 'GET',
    url: `/api/brokers/coinbase/connect/callback?${new URLSearchParams(query)}`,
  });
  const location = String(res.headers.location ?? '');
  return (
    new URLSearchParams(location.split('?')[1] ?? '').get('error') ??
    (location.includes('connected=coinbase') ? 'connected' : `status ${res.statusCode}`)
  );
}

async function connected(client: TestClient): Promise<boolean> {
  const res = (await client.request({ method: 'GET', url: '/api/brokers' })).json() as {
    items: { broker: string }[];
  };
  return res.items.some((c) => c.broker === 'coinbase');
}

/**
 * The OAuth `state` is single-use, bound to the user who started the flow, and required; the PKCE
 * verifier is the one sealed for that state, so a code obtained under another state's challenge
 * is refused by the exchange. Every refusal connects nothing.
 */
export async function oauthMisuse(section: Section, aut: AppUnderTest): Promise<void> {
  const x = await newTrader(aut);
  const y = await newTrader(aut);

  section.equal(
    'callback without state → invalid_state',
    await callback(x.client, { code: 'whatever' }),
    'invalid_state',
  );
  section.equal(
    'callback with a made-up state → invalid_state',
    await callback(x.client, { code: 'whatever', state: randomBytes(24).toString('base64url') }),
    'invalid_state',
  );
  section.equal(
    'callback with a state of the wrong shape → invalid_state',
    await callback(x.client, { code: 'whatever', state: "' OR 1=1 --" }),
    'invalid_state',
  );

  const foreign = await start(x.client);
  const foreignCode = await consent(foreign.url);
  section.equal(
    "another user's state and code → invalid_state",
    await callback(y.client, { code: foreignCode, state: foreign.state }),
    'invalid_state',
  );
  section.equal(
    '…and that state is burnt for its owner too',
    await callback(x.client, { code: foreignCode, state: foreign.state }),
    'invalid_state',
  );
  section.check(
    '…and neither user got a connection',
    !(await connected(x.client)) && !(await connected(y.client)),
  );

  const signedOut = await start(x.client);
  const signedOutCode = await consent(signedOut.url);
  section.equal(
    'a callback without a session → signed_out',
    await callback(anonymous(aut), { code: signedOutCode, state: signedOut.state }),
    'signed_out',
  );
  section.equal(
    '…and the state cannot be used afterwards',
    await callback(x.client, { code: signedOutCode, state: signedOut.state }),
    'invalid_state',
  );

  // Wrong verifier: the code is bound to the first flow's challenge, the callback names the second flow.
  const first = await start(x.client);
  const second = await start(x.client);
  const codeOfFirst = await consent(first.url);
  section.equal(
    "a code issued for another flow's PKCE challenge → exchange_failed",
    await callback(x.client, { code: codeOfFirst, state: second.state }),
    'exchange_failed',
  );
  section.check('…and nothing was connected', !(await connected(x.client)));

  const denied = await start(x.client);
  section.equal(
    'the trader pressing Deny → access_denied',
    await callback(x.client, { error: 'access_denied', state: denied.state }),
    'access_denied',
  );

  const good = await start(x.client);
  const goodCode = await consent(good.url);
  section.equal(
    'the genuine flow connects',
    await callback(x.client, { code: goodCode, state: good.state }),
    'connected',
  );
  section.equal(
    'replaying the same callback → invalid_state',
    await callback(x.client, { code: goodCode, state: good.state }),
    'invalid_state',
  );

  // At the exchange itself: the token endpoint refuses a wrong verifier and a second use of a code.
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${aut.sandbox.url}/oauth/authorize`);
  const query = {
    response_type: 'code',
    client_id: 'tt-test-client',
    redirect_uri: 'http://127.0.0.1:3000/api/brokers/coinbase/connect/callback',
    state: randomBytes(16).toString('hex'),
    scope: 'wallet:transactions:read',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(query)) authorize.searchParams.set(k, v);
  const code = await consent(authorize);
  const token = (codeVerifier: string) =>
    fetch(`${aut.sandbox.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'authorization_code',
        code,
        redirect_uri: query.redirect_uri,
        client_id: 'tt-test-client',
        client_secret: 'tt-test-secret',
        code_verifier: codeVerifier,
      }),
    });
  section.equal(
    'the exchange refuses a wrong PKCE verifier',
    (await token(randomBytes(32).toString('base64url'))).status,
    400,
  );
}
