import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { mutationHeaders, type TestClient } from '../../apps/bff/src/modules/auth/auth.test-support';
import { connectBinance } from './flows';
import type { Section } from '../lib/report';
import type { AppUnderTest } from './app-under-test';
import { anonymous, newTrader, type Trader } from './fixtures';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { WEB_ROOT } from './app-under-test';
import { ROUTES, externalRequest, isExternal, staticFileSpec, type RouteSpec } from './route-catalogue';
import { routeKey, type RegisteredRoute } from './route-inventory';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Sends a request as a browser of ours would: the CSRF token and our Origin on mutations. */
export async function send(client: TestClient, request: InjectOptions): Promise<LightMyRequestResponse> {
  const method = String(request.method ?? 'GET');
  const headers = {
    ...(MUTATING.has(method) ? await mutationHeaders(client) : {}),
    ...(request.url === '/ws/coach' ? { origin: 'http://127.0.0.1:3000' } : {}),
    ...(request.headers as Record<string, string> | undefined),
  };
  return client.request({ ...request, headers });
}

/** Values of the owner's that must never appear in an answer to someone else. */
export function privateMarkers(owner: Trader): string[] {
  return [
    owner.email,
    owner.userId,
    owner.tradeId,
    owner.importId,
    owner.auditId,
    owner.simulationId,
    owner.digestId,
    owner.sessionId,
  ].filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** The owner's markers found in an answer, ignoring what the request itself carried (a problem's `instance` echoes the path). */
export function leakedMarkers(owner: Trader, request: InjectOptions, body: string): string[] {
  const sent = `${String(request.url)} ${JSON.stringify(request.payload ?? '')}`;
  return privateMarkers(owner).filter((m) => !sent.includes(m) && body.includes(m));
}

function webFiles(dir = WEB_ROOT): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? webFiles(path) : [`/${relative(WEB_ROOT, path)}`];
  });
}

/** The catalogue entry of a route, the web app's static files included. */
export function specOf(route: RegisteredRoute, files: Set<string>): RouteSpec | undefined {
  return ROUTES[routeKey(route)] ?? (route.method === 'GET' ? staticFileSpec(route.url, files) : undefined);
}

export const builtFiles = () => new Set(webFiles());

const accessOk = (spec: RouteSpec, status: number) =>
  spec.allowed ? spec.allowed.includes(status) : status >= 200 && status < 400;

/**
 * Every route Fastify knows × {anonymous, another signed-in user, the owner}. Anonymous: 401 on
 * everything that is not public. Another user: the owner's resources answer 404 (their existence
 * is not revealed), self-scoped routes answer about the caller only, and nothing of the owner's
 * appears in any answer. Owner: allowed. A route with no entry in the catalogue fails the matrix.
 */
export async function authorizationMatrix(
  section: Section,
  aut: AppUnderTest,
  routes: RegisteredRoute[],
  owner: Trader,
  other: Trader,
): Promise<void> {
  const rows: Record<string, unknown>[] = [];
  const files = builtFiles();
  const uncatalogued = routes.filter((r) => !isExternal(r.url) && !specOf(r, files));
  section.check('every registered route has an authorization expectation', uncatalogued.length === 0, {
    uncatalogued: uncatalogued.map(routeKey),
  });
  const stale = Object.keys(ROUTES).filter((key) => !routes.some((r) => routeKey(r) === key));
  section.check('the catalogue names no route that no longer exists', stale.length === 0, { stale });

  for (const route of routes) {
    const key = routeKey(route);
    if (isExternal(route.url)) {
      const request = externalRequest(route.method, route.url);
      const res = await anonymous(aut).request(request);
      const leaks = leakedMarkers(owner, request, res.body);
      rows.push({ route: key, access: 'external', anonymous: res.statusCode });
      section.check(
        `${key}: external route answers without a 5xx and leaks nothing`,
        res.statusCode < 500 && leaks.length === 0,
        {
          status: res.statusCode,
          leaks,
        },
      );
      continue;
    }
    const spec = specOf(route, files);
    if (!spec) continue;
    const subject = spec.disposable ? await disposableOwner(aut, spec.disposable) : owner;
    const prepared = spec.prepare ? { ...subject, ...(await spec.prepare(subject)) } : subject;
    const request = spec.request(prepared);

    const anon = await send(anonymous(aut), request);
    if (spec.access === 'public') {
      // Anyone may call it, signed in or not; what it answers a caller is the caller's business.
      const signedIn = await send(prepared.client, request);
      rows.push({ route: key, access: 'public', anonymous: anon.statusCode, signedIn: signedIn.statusCode });
      section.check(
        `${key}: open to anonymous callers`,
        anon.statusCode < 500 && ![401, 403].includes(anon.statusCode),
        { status: anon.statusCode },
      );
      section.check(
        `${key}: open to signed-in callers`,
        signedIn.statusCode < 500 && ![401, 403].includes(signedIn.statusCode),
        { status: signedIn.statusCode },
      );
      continue;
    }
    const asOther = await send(other.client, request);
    const leaks = leakedMarkers(prepared, request, asOther.body);
    // The owner's own call last: it may consume or change what it names.
    const ownerTarget =
      key === 'DELETE /api/auth/sessions/:id' ? await secondSession(aut, prepared) : prepared;
    const asOwner = await send(prepared.client, spec.request(ownerTarget));
    rows.push({
      route: key,
      access: spec.access,
      anonymous: anon.statusCode,
      otherUser: asOther.statusCode,
      owner: asOwner.statusCode,
    });

    section.equal(`${key}: anonymous → 401`, anon.statusCode, 401);
    if (spec.access === 'owned') {
      section.check(`${key}: another user → 404`, asOther.statusCode === 404 || asOther.statusCode === 403, {
        status: asOther.statusCode,
      });
    } else {
      section.check(`${key}: another user → no 5xx`, asOther.statusCode < 500, {
        status: asOther.statusCode,
      });
    }
    section.check(`${key}: nothing of the owner's in another user's answer`, leaks.length === 0, { leaks });
    section.check(`${key}: owner → allowed`, accessOk(spec, asOwner.statusCode), {
      status: asOwner.statusCode,
      body: asOwner.statusCode >= 400 ? asOwner.body.slice(0, 300) : undefined,
    });
  }
  section.figure('matrix', rows);
  section.figure('routes', routes.length);
}

async function disposableOwner(aut: AppUnderTest, kind: 'plain' | 'with-binance'): Promise<Trader> {
  const trader = await newTrader(aut);
  if (kind === 'with-binance')
    await connectBinance(
      aut.sandbox,
      trader.client,
      `sbx_sk_${Math.random().toString(36).slice(2)}disposable`,
    );
  return trader;
}

/** A second session of the owner's, so that revoking "the owner's session" does not end the one the matrix uses. */
async function secondSession(aut: AppUnderTest, owner: Trader): Promise<Trader> {
  const again = await newTraderSession(aut, owner);
  return { ...owner, sessionId: again };
}

async function newTraderSession(aut: AppUnderTest, owner: Trader): Promise<string> {
  const client = anonymous(aut);
  await send(client, {
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: owner.email, password: owner.password },
  });
  const sessions = (await client.request({ method: 'GET', url: '/api/auth/sessions' })).json() as {
    items: { id: string; current: boolean }[];
  };
  return sessions.items.find((s) => s.current)!.id;
}
