import { sql } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { TEST_ORIGIN } from '../../apps/bff/src/modules/auth/auth.test-support';
import type { Section } from '../lib/report';
import type { AppUnderTest } from './app-under-test';
import { leakedMarkers } from './authz';
import { nextIp, type Trader } from './fixtures';
import { problemViolation } from './fuzz';
import { ROUTES, isExternal } from './route-catalogue';
import { routeKey, type RegisteredRoute } from './route-inventory';
import { sessionPool } from './session-pool';

export const SQL_PROBES = [
  "' OR '1'='1",
  "1' OR 1=1--",
  "'; DROP TABLE trades; --",
  '" OR ""="',
  "' UNION SELECT email, password_hash FROM users--",
  '1 UNION SELECT NULL,NULL,NULL--',
  "'||(SELECT pg_sleep(3))||'",
  '1; SELECT pg_sleep(3)--',
  "\\' OR 1=1 --",
  "%' OR '%'='",
  "admin'--",
  '$1',
  "') OR ('x'='x",
];

/** Query keys and body fields any route of ours reads (the union of the shared request schemas). */
const QUERY_KEYS = [
  'since',
  'until',
  'cursor',
  'limit',
  'symbol',
  'side',
  'label',
  'status',
  'broker',
  'from',
  'to',
  'code',
  'state',
  'error',
  'lastEventId',
];
const BODY_KEYS = [
  'email',
  'password',
  'currentPassword',
  'newPassword',
  'kind',
  'to',
  'tradeId',
  'symbol',
  'since',
  'timeZone',
  'tone',
  'apiKey',
  'apiSecret',
  'horizonDays',
  'skipLabel',
];

/**
 * Every string a route reads (path parameters, every known query key, every known body field,
 * alone and in a valid body) set to classic injection payloads, as a signed-in attacker while the
 * owner has data. No 5xx, nothing of the owner's in any answer, no `pg_sleep` taking effect
 * (answers stay fast), and afterwards the owner's data and every table still there.
 */
export async function sqlInjection(
  section: Section,
  aut: AppUnderTest,
  routes: RegisteredRoute[],
  owner: Trader,
): Promise<void> {
  const db = aut.platform.database.db;
  const count = async () =>
    (
      (await db.execute(
        sql`select (select count(*) from trades where user_id = ${owner.userId})::int as trades, (select count(*) from users)::int as users`,
      )) as unknown as { rows: { trades: number; users: number }[] }
    ).rows[0]!;
  const before = await count();
  const pool = await sessionPool(aut, 20);
  let requests = 0;
  let slowest = 0;
  const failures: Record<string, unknown>[] = [];
  for (const route of routes.filter((r) => !isExternal(r.url))) {
    const spec = ROUTES[routeKey(route)];
    const base = spec?.request(owner);
    for (const probe of SQL_PROBES) {
      const encoded = encodeURIComponent(probe);
      const path = route.url.replace(/:broker/g, encoded).replace(/:[A-Za-z_]+|\*/g, encoded);
      const query = QUERY_KEYS.map((k) => `${k}=${encoded}`).join('&');
      const bodies: unknown[] =
        route.method === 'GET'
          ? [undefined]
          : [Object.fromEntries(BODY_KEYS.map((k) => [k, probe])), ...probeEachField(base?.payload, probe)];
      for (const body of bodies) {
        const session =
          route.url === '/api/auth/logout' || route.url === '/api/me' ? await pool.fresh() : pool.next();
        const request: InjectOptions = {
          method: route.method as InjectOptions['method'],
          url: `${path}?${query}`,
          remoteAddress: nextIp(),
          headers: {
            cookie: `__Host-tt_session=${session.token}; __Host-tt_csrf=${session.csrf}`,
            'x-csrf-token': session.csrf,
            origin: TEST_ORIGIN,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
        };
        const started = performance.now();
        const res = await aut.app.inject(request);
        const ms = performance.now() - started;
        slowest = Math.max(slowest, ms);
        requests++;
        const violation = problemViolation(res, false);
        const leaks = leakedMarkers(owner, request, res.body);
        const dump = /"password_?hash"\s*:|\$argon2/i.test(res.body);
        if (violation || leaks.length > 0 || dump || ms > 2500)
          failures.push({
            route: routeKey(route),
            probe,
            status: res.statusCode,
            violation,
            leaks,
            dump,
            ms: Math.round(ms),
          });
      }
    }
  }
  section.check(
    'no 5xx, no data of another user, no hash, no delayed answer, for every probe',
    failures.length === 0,
    { failures: failures.slice(0, 25), total: failures.length },
  );
  const login = await aut.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: nextIp(),
    headers: {
      cookie: `__Host-tt_csrf=${'c'.repeat(43)}`,
      'x-csrf-token': 'c'.repeat(43),
      origin: TEST_ORIGIN,
    },
    payload: { email: `${owner.email}' --`, password: "' OR '1'='1" },
  });
  section.check(
    'login with an injected email and password is refused',
    login.statusCode === 400 || login.statusCode === 401,
    { status: login.statusCode },
  );
  const after = await count();
  section.equal("the owner's trades are all still there", after.trades, before.trades);
  section.check('no account was removed', after.users >= before.users, {
    before: before.users,
    after: after.users,
  });
  section.figure('requests', requests);
  section.figure('slowestMs', Math.round(slowest));
}

/** The valid body with one string field at a time replaced by the probe. */
function probeEachField(payload: unknown, probe: string): unknown[] {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return [];
  return Object.entries(payload as Record<string, unknown>)
    .filter(([, v]) => typeof v === 'string')
    .map(([k]) => ({ ...(payload as object), [k]: probe }));
}
