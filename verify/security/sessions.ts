import WebSocket from 'ws';
import type { InjectOptions } from 'fastify';
import { WS_COACH_PATH, WsCloseCode } from '@tt/shared';
import {
  createTestClient,
  mutationHeaders,
  TEST_ORIGIN,
} from '../../apps/bff/src/modules/auth/auth.test-support';
import type { Section } from '../lib/report';
import type { AppUnderTest } from './app-under-test';
import { anonymous, newTrader, nextIp } from './fixtures';
import { ROUTES, isExternal } from './route-catalogue';
import { routeKey, type RegisteredRoute } from './route-inventory';
import { send } from './authz';

const SESSION = '__Host-tt_session';
const CSRF = '__Host-tt_csrf';

function setCookies(headers: Record<string, unknown>): string[] {
  const raw = headers['set-cookie'];
  return raw === undefined ? [] : Array.isArray(raw) ? (raw as string[]) : [String(raw)];
}

function attributes(cookie: string) {
  const [pair, ...rest] = cookie.split(';').map((p) => p.trim());
  const attrs = new Map(rest.map((a) => [a.split('=')[0]!.toLowerCase(), a.split('=').slice(1).join('=')]));
  return { name: pair!.split('=')[0]!, value: pair!.split('=').slice(1).join('='), attrs };
}

/**
 * Every POST/PUT/PATCH/DELETE of ours (the sandbox excepted: it is the exchange) is refused with 403
 * problem+json before its handler runs, for a signed-in owner whose request lacks the token,
 * carries a wrong one, comes from a foreign Origin, or is marked cross-site by the browser.
 */
export async function csrfOnEveryMutation(
  section: Section,
  aut: AppUnderTest,
  routes: RegisteredRoute[],
): Promise<void> {
  const owner = await newTrader(aut);
  const token = await owner.client.csrf();
  const mutating = routes.filter(
    (r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && !isExternal(r.url),
  );
  const attacks: [string, Record<string, string>][] = [
    ['no X-CSRF-Token', { origin: TEST_ORIGIN }],
    ['wrong X-CSRF-Token', { origin: TEST_ORIGIN, 'x-csrf-token': `${token.slice(0, -2)}xx` }],
    ['foreign Origin', { origin: 'https://evil.example', 'x-csrf-token': token }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site', 'x-csrf-token': token }],
    ['Origin: null (sandboxed frame)', { origin: 'null', 'x-csrf-token': token }],
  ];
  let cases = 0;
  for (const route of mutating) {
    const spec = ROUTES[routeKey(route)];
    const request: InjectOptions = spec
      ? spec.request(owner)
      : { method: route.method as 'POST', url: route.url, payload: {} };
    for (const [name, headers] of attacks) {
      const res = await owner.client.request({
        ...request,
        headers: { ...(request.headers as object), ...headers },
      });
      cases++;
      section.check(
        `${routeKey(route)}: ${name} → 403 problem`,
        res.statusCode === 403 &&
          String(res.headers['content-type']).startsWith('application/problem+json') &&
          /CSRF/.test(res.body),
        {
          status: res.statusCode,
          body: res.body.slice(0, 200),
        },
      );
    }
    // The cookie half of the double submit: a token in the header with no cookie at all.
    const cookieless = createTestClient(aut.app, { remoteAddress: nextIp() });
    const res = await cookieless.request({
      ...request,
      headers: { ...(request.headers as object), origin: TEST_ORIGIN, 'x-csrf-token': token },
    });
    cases++;
    section.equal(`${routeKey(route)}: token without its cookie → 403`, res.statusCode, 403);
  }
  section.figure('mutatingRoutes', mutating.length);
  section.figure('cases', cases);
}

/** Session and CSRF cookies carry the flags DESIGN.md §5a names, on issue and on removal. */
export async function cookieFlags(section: Section, aut: AppUnderTest): Promise<void> {
  const client = anonymous(aut);
  const csrfRes = await client.request({ method: 'GET', url: '/api/auth/csrf' });
  const email = `flags-${Date.now()}@example.com`;
  const password = 'a long enough passphrase 42';
  await send(client, { method: 'POST', url: '/api/auth/signup', payload: { email, password } });
  const login = await send(client, { method: 'POST', url: '/api/auth/login', payload: { email, password } });
  const logout = await send(client, { method: 'POST', url: '/api/auth/logout' });
  const found = [
    ...setCookies(csrfRes.headers).map((c) => ({ at: 'GET /api/auth/csrf', ...attributes(c) })),
    ...setCookies(login.headers).map((c) => ({ at: 'POST /api/auth/login', ...attributes(c) })),
    ...setCookies(logout.headers).map((c) => ({ at: 'POST /api/auth/logout', ...attributes(c) })),
  ];
  const session = found.filter((c) => c.name === SESSION);
  const csrf = found.filter((c) => c.name === CSRF);
  section.check(
    'login sets the session cookie',
    session.some((c) => c.at === 'POST /api/auth/login' && c.value !== ''),
  );
  section.check('GET /api/auth/csrf sets the CSRF cookie', csrf.length > 0);
  for (const c of found) {
    const where = `${c.name} (${c.at})`;
    section.check(`${where}: __Host- prefix`, c.name.startsWith('__Host-'));
    section.check(`${where}: Secure`, c.attrs.has('secure'));
    section.equal(`${where}: Path=/`, c.attrs.get('path'), '/');
    section.check(`${where}: no Domain (host-only)`, !c.attrs.has('domain'));
    if (c.name === SESSION) {
      section.check(`${where}: HttpOnly`, c.attrs.has('httponly'));
      section.equal(`${where}: SameSite=Lax`, c.attrs.get('samesite')?.toLowerCase(), 'lax');
    } else {
      section.check(
        `${where}: SameSite Lax or Strict`,
        ['lax', 'strict'].includes(c.attrs.get('samesite')?.toLowerCase() ?? ''),
      );
      // Readable by the page by design (double submit); it grants nothing without the session.
      section.check(`${where}: not HttpOnly (the page echoes it)`, !c.attrs.has('httponly'));
    }
  }
  const cleared = session.find((c) => c.at === 'POST /api/auth/logout');
  section.check(
    'logout clears the session cookie (expired, same flags)',
    !!cleared &&
      (cleared.value === '' ||
        /1970/.test(cleared.attrs.get('expires') ?? '') ||
        cleared.attrs.get('max-age') === '0'),
    cleared,
  );
  section.figure(
    'cookies',
    found.map((c) => ({ at: c.at, name: c.name, attributes: [...c.attrs.keys()] })),
  );
}

/** A cookie the browser held before signing in is never the session after it. */
export async function sessionFixation(section: Section, aut: AppUnderTest): Promise<void> {
  // 1. A value the attacker chose (planted through a subdomain or a lax cookie jar).
  const planted = 'A'.repeat(43);
  const victim = anonymous(aut);
  await victim.csrf();
  victim.cookies.set(SESSION, planted);
  const trader = await newTrader(aut);
  const login = await send(victim, {
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: trader.email, password: trader.password },
  });
  const issued = victim.cookies.get(SESSION);
  section.equal('login answers 200 with a planted cookie present', login.statusCode, 200);
  section.check('login issues a new session token, not the planted one', !!issued && issued !== planted);
  const withPlanted = await aut.app.inject({
    method: 'GET',
    url: '/api/auth/me',
    headers: { cookie: `${SESSION}=${planted}` },
  });
  section.equal('the planted value is not a session after login', withPlanted.statusCode, 401);

  // 2. A real session of the attacker's own, planted in the victim's browser before the victim signs in.
  const attacker = await newTrader(aut);
  const browser = anonymous(aut);
  await browser.csrf();
  browser.cookies.set(SESSION, attacker.sessionToken);
  const victimAccount = await newTrader(aut);
  await send(browser, {
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: victimAccount.email, password: victimAccount.password },
  });
  const after = browser.cookies.get(SESSION);
  section.check('signing in replaces a pre-login session token', after !== attacker.sessionToken);
  const me = (await browser.request({ method: 'GET', url: '/api/auth/me' })).json() as { id?: string };
  section.equal('the browser is now the victim, with a fresh session', me.id, victimAccount.userId);
  const old = await aut.app.inject({
    method: 'GET',
    url: '/api/auth/me',
    headers: { cookie: `${SESSION}=${attacker.sessionToken}` },
  });
  section.equal('the pre-login session was ended by the sign-in', old.statusCode, 401);
}

function openSocket(
  aut: AppUnderTest,
  token: string,
): Promise<{ ws: WebSocket; closed: Promise<{ code: number; atMs: number }> }> {
  const ws = new WebSocket(`${aut.base.replace('http', 'ws')}${WS_COACH_PATH}`, {
    headers: { cookie: `${SESSION}=${token}`, origin: TEST_ORIGIN },
  });
  const closed = new Promise<{ code: number; atMs: number }>((resolve) =>
    ws.on('close', (code) => resolve({ code, atMs: performance.now() })),
  );
  ws.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, closed }));
    ws.once('unexpected-response', (_r, res) => reject(new Error(`handshake ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

async function closedWithin(closed: Promise<{ code: number; atMs: number }>, since: number, ms: number) {
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), ms));
  const result = await Promise.race([closed, timeout]);
  return result ? { code: result.code, afterMs: Math.round(result.atMs - since) } : null;
}

/** Logout and revocation end the session at once: the old cookie is refused and its open socket is closed. */
export async function sessionRevocation(section: Section, aut: AppUnderTest): Promise<void> {
  const me = (token: string) =>
    aut.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `${SESSION}=${token}` } });

  const a = await newTrader(aut);
  const socketA = await openSocket(aut, a.sessionToken);
  const t0 = performance.now();
  const out = await send(a.client, { method: 'POST', url: '/api/auth/logout' });
  section.equal('logout → 204', out.statusCode, 204);
  section.equal('after logout the old cookie is refused at once', (await me(a.sessionToken)).statusCode, 401);
  const closedA = await closedWithin(socketA.closed, t0, 5000);
  section.check(
    'after logout its open socket is closed with 4001 (session ended)',
    closedA?.code === WsCloseCode.SESSION_ENDED,
    closedA,
  );

  const b = await newTrader(aut);
  const second = createTestClient(aut.app, { remoteAddress: nextIp() });
  await second.request({
    method: 'POST',
    url: '/api/auth/login',
    headers: await mutationHeaders(second),
    payload: { email: b.email, password: b.password },
  });
  const secondToken = second.cookies.get(SESSION)!;
  const sessions = (await second.request({ method: 'GET', url: '/api/auth/sessions' })).json() as {
    items: { id: string; current: boolean }[];
  };
  const secondId = sessions.items.find((s) => s.current)!.id;
  const socketB = await openSocket(aut, secondToken);
  const t1 = performance.now();
  const revoke = await send(b.client, { method: 'DELETE', url: `/api/auth/sessions/${secondId}` });
  section.equal('DELETE /api/auth/sessions/:id from another session → 204', revoke.statusCode, 204);
  section.equal('the revoked session cookie is refused at once', (await me(secondToken)).statusCode, 401);
  const closedB = await closedWithin(socketB.closed, t1, 5000);
  section.check(
    'the revoked session’s open socket is closed with 4001',
    closedB?.code === WsCloseCode.SESSION_ENDED,
    closedB,
  );
  section.equal('the revoking session itself still works', (await me(b.sessionToken)).statusCode, 200);
  section.figure('socketClosedAfterMs', { logout: closedA?.afterMs, revoke: closedB?.afterMs });
}
