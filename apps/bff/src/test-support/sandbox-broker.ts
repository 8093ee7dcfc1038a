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

/** Starts an import and waits for it to finish; returns the final import. */
export async function importAndWait(
  client: TestClient,
  timeoutMs = 120_000,
): Promise<Record<string, unknown>> {
  const accepted = await client.request({
    method: 'POST',
    url: '/api/trades/import',
    headers: await mutationHeaders(client),
    payload: {},
  });
  if (accepted.statusCode !== 202)
    throw new Error(`import answered ${accepted.statusCode}: ${accepted.body}`);
  const { importId } = accepted.json() as { importId: string };
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
