import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxPlugin, startSandbox } from '../sandbox.app';
import { authorizeQuery, pkcePair, TEST_CLIENT_ID, TEST_REDIRECT_URI } from './coinbase.testing';

let now = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));
let sandbox: Awaited<ReturnType<typeof startSandbox>>;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 1, now: () => now, port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function consent(
  query: string,
  decision: string,
  account = 'demo',
  path = '/oauth/authorize',
): Promise<Response> {
  return fetch(`${sandbox.url}${path}?${query}`, {
    method: 'POST',
    redirect: 'manual',
    headers: FORM,
    body: new URLSearchParams({ decision, account }),
  });
}

async function codeFor(
  challenge: string,
  account = 'demo',
  extra: Record<string, string> = {},
): Promise<string> {
  const response = await consent(authorizeQuery(challenge, extra), 'allow', account);
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(TEST_REDIRECT_URI);
  expect(location.searchParams.get('state')).toBe(extra.state ?? 'state-0123456789');
  return location.searchParams.get('code')!;
}

async function token(
  body: Record<string, string>,
  headers: Record<string, string> = FORM,
): Promise<Response> {
  const json = headers['content-type'] === 'application/json';
  return fetch(`${sandbox.url}/oauth/token`, {
    method: 'POST',
    headers,
    body: json ? JSON.stringify(body) : new URLSearchParams(body),
  });
}

function exchange(code: string, verifier: string, overrides: Record<string, string> = {}): Promise<Response> {
  return token({
    grant_type: 'authorization_code',
    code,
    redirect_uri: TEST_REDIRECT_URI,
    client_id: TEST_CLIENT_ID,
    client_secret: 'any-secret',
    code_verifier: verifier,
    ...overrides,
  });
}

function fills(accessToken: string): Promise<Response> {
  return fetch(`${sandbox.url}/api/v3/brokerage/orders/historical/fills?limit=5`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
}

async function connect(account = 'demo', scope?: string) {
  const { verifier, challenge } = pkcePair();
  const code = await codeFor(challenge, account, scope === undefined ? {} : { scope });
  const response = await exchange(code, verifier);
  expect(response.status).toBe(200);
  return (await response.json()) as {
    access_token: string;
    refresh_token?: string;
    expires_in: number;
    scope: string;
    token_type: string;
  };
}

describe('Coinbase OAuth consent page', () => {
  it('shows an accessible page with a labelled account picker, Allow and Deny, and no script', async () => {
    const query = authorizeQuery(pkcePair().challenge);
    const response = await fetch(`${sandbox.url}/oauth/authorize?${query}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self' http://127.0.0.1:3000");
    expect(csp).not.toContain('script-src');
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<label for="account">Sandbox account</label>');
    expect(html).toMatch(/<select id="account" name="account"[^>]*>/);
    expect(html).toContain('<option value="demo" selected>');
    expect(html).toContain('<option value="bench">');
    expect(html).toContain('<option value="scale">');
    expect(html).toContain('<button type="submit" name="decision" value="allow">Allow</button>');
    expect(html).toContain('<button type="submit" name="decision" value="deny">Deny</button>');
    expect(html).toContain(`<form method="post" action="/oauth/authorize?${query.replace(/&/g, '&amp;')}">`);
    expect(html).not.toMatch(/<script|onclick=|javascript:/i);
  });

  it('refuses requests it cannot trust, on a page or back at the client', async () => {
    const { challenge } = pkcePair();
    const noRedirect = await fetch(`${sandbox.url}/oauth/authorize?response_type=code&client_id=x`);
    expect(noRedirect.status).toBe(400);
    expect(await noRedirect.text()).toContain('redirect_uri');
    const cases: [Record<string, string>, string][] = [
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ state: 'short' }, 'invalid_request'],
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
    ];
    for (const [extra, error] of cases) {
      const response = await fetch(`${sandbox.url}/oauth/authorize?${authorizeQuery(challenge, extra)}`, {
        redirect: 'manual',
      });
      expect(response.status).toBe(302);
      expect(new URL(response.headers.get('location')!).searchParams.get('error')).toBe(error);
    }
  });

  it('says access_denied, with the state, when the person denies', async () => {
    const response = await consent(authorizeQuery(pkcePair().challenge), 'deny');
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('state-0123456789');
    expect(location.searchParams.has('code')).toBe(false);
  });
});

describe('Coinbase OAuth tokens', () => {
  it('runs the whole dance with PKCE over HTTP and serves the chosen account', async () => {
    const demo = await connect('demo');
    const bench = await connect('bench');
    expect(bench.access_token).toMatch(/^sbx_at_[A-Za-z0-9_-]{40,}$/);
    expect(bench.refresh_token).toMatch(/^sbx_rt_[A-Za-z0-9_-]{40,}$/);
    expect(bench).toMatchObject({
      token_type: 'bearer',
      expires_in: 3600,
      scope: 'wallet:accounts:read wallet:transactions:read offline_access',
    });
    const benchFills = await (await fills(bench.access_token)).json();
    const demoFills = await (await fills(demo.access_token)).json();
    expect(benchFills.fills).toHaveLength(5);
    expect(benchFills.fills[0].user_id).not.toBe(demoFills.fills[0].user_id);
  });

  it('uses each code once, and a replay revokes what the code issued', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(challenge);
    const first = await exchange(code, verifier);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const { access_token } = await first.json();
    expect((await fills(access_token)).status).toBe(200);
    const replay = await exchange(code, verifier);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await fills(access_token)).status).toBe(401);
  });

  it('binds a code to its verifier, redirect URI and client', async () => {
    const { verifier, challenge } = pkcePair();
    const wrongVerifier = await exchange(await codeFor(challenge), pkcePair().verifier);
    expect(wrongVerifier.status).toBe(400);
    expect(await wrongVerifier.json()).toMatchObject({ error: 'invalid_grant' });
    const wrongRedirect = await exchange(await codeFor(challenge), verifier, {
      redirect_uri: 'http://127.0.0.1:3000/elsewhere',
    });
    expect(await wrongRedirect.json()).toMatchObject({ error: 'invalid_grant' });
    const wrongClient = await exchange(await codeFor(challenge), verifier, { client_id: 'someone-else' });
    expect(wrongClient.status).toBe(401);
    expect(await wrongClient.json()).toMatchObject({ error: 'invalid_client' });
    const missingVerifier = await token({
      grant_type: 'authorization_code',
      code: await codeFor(challenge),
      redirect_uri: TEST_REDIRECT_URI,
      client_id: TEST_CLIENT_ID,
    });
    expect(await missingVerifier.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('issues refresh tokens only with offline_access', async () => {
    const tokens = await connect('demo', 'wallet:transactions:read');
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.scope).toBe('wallet:transactions:read');
  });

  it('rotates refresh tokens: each works once, and a replay ends the whole grant', async () => {
    const first = await connect('demo');
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token!,
      client_id: TEST_CLIENT_ID,
    });
    expect(refreshed.status).toBe(200);
    const second = await refreshed.json();
    expect(second.refresh_token).toMatch(/^sbx_rt_/);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect((await fills(second.access_token)).status).toBe(200);
    const otherClient = await token({
      grant_type: 'refresh_token',
      refresh_token: second.refresh_token,
      client_id: 'someone-else',
    });
    expect(otherClient.status).toBe(401);
    const replay = await token({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token!,
      client_id: TEST_CLIENT_ID,
    });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await fills(second.access_token)).status).toBe(401);
    const afterReplay = await token({
      grant_type: 'refresh_token',
      refresh_token: second.refresh_token,
      client_id: TEST_CLIENT_ID,
    });
    expect(afterReplay.status).toBe(400);
  });

  it('expires access tokens after an hour and codes after ten minutes', async () => {
    const tokens = await connect('demo');
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(challenge);
    const start = now;
    try {
      now = new Date(start.getTime() + 11 * 60_000);
      expect(await (await exchange(code, verifier)).json()).toMatchObject({ error: 'invalid_grant' });
      now = new Date(start.getTime() + 3_601_000);
      const expired = await fills(tokens.access_token);
      expect(expired.status).toBe(401);
      expect(await expired.text()).toBe('Unauthorized\n');
      const renewed = await token({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        client_id: TEST_CLIENT_ID,
      });
      expect((await fills((await renewed.json()).access_token)).status).toBe(200);
    } finally {
      now = start;
    }
  });

  it('revokes the grant behind a token on request', async () => {
    const tokens = await connect('demo');
    const revoke = await fetch(`${sandbox.url}/oauth/revoke`, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ token: tokens.access_token }),
    });
    expect(revoke.status).toBe(200);
    expect((await fills(tokens.access_token)).status).toBe(401);
    const refresh = await token({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: TEST_CLIENT_ID,
    });
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
    const unknown = await fetch(`${sandbox.url}/oauth2/revoke`, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ token: 'sbx_at_unknown' }),
    });
    expect(unknown.status).toBe(200);
  });

  it('accepts JSON bodies and HTTP Basic client credentials, and rejects unknown grant types', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(challenge);
    const basic = Buffer.from(`${TEST_CLIENT_ID}:whatever`).toString('base64');
    const response = await token(
      { grant_type: 'authorization_code', code, redirect_uri: TEST_REDIRECT_URI, code_verifier: verifier },
      { 'content-type': 'application/json', authorization: `Basic ${basic}` },
    );
    expect(response.status).toBe(200);
    const unsupported = await token({ grant_type: 'password', client_id: TEST_CLIENT_ID });
    expect(unsupported.status).toBe(400);
    expect(await unsupported.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});

describe('sandboxPlugin under a prefix', () => {
  it('keeps its form action and redirects inside the mount prefix', async () => {
    const app = Fastify();
    await app.register(sandboxPlugin, { prefix: '/sandbox', seed: 1, now: () => now });
    const { challenge } = pkcePair();
    const query = authorizeQuery(challenge);
    const page = await app.inject({ url: `/sandbox/oauth/authorize?${query}` });
    expect(page.body).toContain(`action="/sandbox/oauth/authorize?${query.replace(/&/g, '&amp;')}"`);
    const allowed = await app.inject({
      method: 'POST',
      url: `/sandbox/oauth2/auth?${query}`,
      headers: FORM,
      payload: 'decision=allow&account=scale',
    });
    expect(allowed.statusCode).toBe(302);
    expect(new URL(String(allowed.headers.location)).searchParams.get('code')).toBeTruthy();
    await app.close();
  });
});
