import type { startSandbox } from '@tt/broker-sandbox';
import type { TestClient } from '../modules/auth/auth.test-support';
import { mutationHeaders } from '../modules/auth/auth.test-support';

export type RunningSandbox = Awaited<ReturnType<typeof startSandbox>>;

/** Settings that point both adapters at a standalone sandbox, exactly as at the real exchanges. */
export function sandboxEnv(
  sandbox: { url: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    COINBASE_CLIENT_ID: 'tt-test-client',
    COINBASE_CLIENT_SECRET: 'tt-test-secret',
    COINBASE_API_BASE_URL: sandbox.url,
    COINBASE_OAUTH_AUTHORIZE_URL: `${sandbox.url}/oauth/authorize`,
    COINBASE_OAUTH_TOKEN_URL: `${sandbox.url}/oauth/token`,
    COINBASE_OAUTH_REVOKE_URL: `${sandbox.url}/oauth/revoke`,
    BINANCE_ENABLED: '1',
    BINANCE_API_BASE_URL: sandbox.url,
    ...extra,
  };
}

/**
 * Connects Coinbase the way a person does: start, follow the consent page, press Allow for
 * `account`, and return through our callback with the session cookie.
 */
export async function connectSandboxCoinbase(
  client: TestClient,
  account: 'demo' | 'bench' | 'scale' = 'demo',
): Promise<void> {
  const start = await client.request({
    method: 'POST',
    url: '/api/brokers/coinbase/connect/start',
    headers: await mutationHeaders(client),
    payload: {},
  });
  if (start.statusCode !== 200) throw new Error(`connect/start answered ${start.statusCode}: ${start.body}`);
  const authorize = new URL((start.json() as { url: string }).url);
  const consent = await fetch(authorize, { redirect: 'manual' });
  if (consent.status !== 200) throw new Error(`consent page answered ${consent.status}`);
  const form = new URLSearchParams({ decision: 'allow', account });
  const allowed = await fetch(authorize, {
    method: 'POST',
    body: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  });
  const location = allowed.headers.get('location');
  if (allowed.status !== 302 || !location) throw new Error(`consent answered ${allowed.status}`);
  const callback = new URL(location);
  const back = await client.request({ method: 'GET', url: `${callback.pathname}${callback.search}` });
  if (back.statusCode !== 302 || !String(back.headers.location).includes('connected=coinbase')) {
    throw new Error(`callback answered ${back.statusCode} → ${String(back.headers.location)}`);
  }
}

/** Asks for an import of every connected broker; returns its id once the API accepted it (202). */
export async function startImport(client: TestClient): Promise<string> {
  const accepted = await client.request({
    method: 'POST',
    url: '/api/trades/import',
    headers: await mutationHeaders(client),
    payload: {},
  });
  if (accepted.statusCode !== 202)
    throw new Error(`import answered ${accepted.statusCode}: ${accepted.body}`);
  return (accepted.json() as { importId: string }).importId;
}

/** Starts an import and waits for it to finish; returns the final import. */
export async function importAndWait(
  client: TestClient,
  timeoutMs = 120_000,
): Promise<Record<string, unknown>> {
  const importId = await startImport(client);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await client.request({ method: 'GET', url: `/api/imports/${importId}` })).json() as Record<
      string,
      unknown
    >;
    if (run.status === 'succeeded' || run.status === 'failed') return run;
    if (Date.now() > deadline)
      throw new Error(`import still ${String(run.status)}/${String(run.phase)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An access token for a sandbox account, obtained with raw HTTP (not our adapter). */
export async function sandboxAccessToken(
  sandboxUrl: string,
  account: 'demo' | 'bench' | 'scale',
): Promise<string> {
  const { createHash, randomBytes } = await import('node:crypto');
  const verifier = randomBytes(32).toString('base64url');
  const redirect = 'http://127.0.0.1/independent-counter';
  const authorize = new URL(`${sandboxUrl}/oauth/authorize`);
  const query = {
    response_type: 'code',
    client_id: 'independent-counter',
    redirect_uri: redirect,
    state: 'independent-counter-state',
    scope: 'wallet:transactions:read',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(query)) authorize.searchParams.set(k, v);
  const allow = await fetch(authorize, {
    method: 'POST',
    body: new URLSearchParams({ decision: 'allow', account }),
    redirect: 'manual',
  });
  const code = new URL(allow.headers.get('location')!).searchParams.get('code')!;
  const token = await fetch(`${sandboxUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirect,
      client_id: 'independent-counter',
      client_secret: 'x',
      code_verifier: verifier,
    }),
  });
  return ((await token.json()) as { access_token: string }).access_token;
}

/**
 * Spot fills a sandbox account has in [since, now], counted straight from the wire (Advanced
 * Trade List Fills, cursor paging, FILL rows on spot products), independently of our adapter.
 */
export async function countSandboxSpotFills(
  sandboxUrl: string,
  account: 'demo' | 'bench' | 'scale',
  since: Date,
): Promise<number> {
  const token = await sandboxAccessToken(sandboxUrl, account);
  const ids = new Set<string>();
  let cursor = '';
  do {
    const url = new URL(`${sandboxUrl}/api/v3/brokerage/orders/historical/fills`);
    url.searchParams.set('start_sequence_timestamp', since.toISOString());
    url.searchParams.set('limit', '1000');
    if (cursor) url.searchParams.set('cursor', cursor);
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as {
      fills: { trade_id: string; trade_type: string; product_id: string }[];
      cursor: string;
    };
    for (const f of body.fills) {
      if (f.trade_type === 'FILL' && /^[A-Z0-9]+-[A-Z0-9]+$/.test(f.product_id)) ids.add(f.trade_id);
    }
    cursor = body.cursor;
  } while (cursor);
  return ids.size;
}
