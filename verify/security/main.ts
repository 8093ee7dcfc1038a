/**
 * `npm run verify:security [-- --ci] [-- --only=<text>]`
 *
 * The product under attack (app-under-test.ts): an authorization matrix over every route Fastify
 * registered, CSRF on every mutation, session fixation and revocation (HTTP and WebSocket), cookie
 * flags, Mozilla HTTP Observatory's ten tests through the production edge, fast-check fuzzing of
 * every route, hostile bodies, path traversal, SQL injection, stored XSS, OAuth state/PKCE misuse,
 * the HMAC boundary of the ML service, and a scan of logs, database and Redis for secrets.
 * `--ci` runs fewer random cases per route. Writes verify/results/security.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { importAndWait } from '../../apps/bff/src/test-support/sandbox-broker';
import { killAllChildren, waitFor } from '../lib/processes';
import { describeRunningSection, runSection, writeReport, type Section } from '../lib/report';
import { REDIS_URL } from '../lib/services';
import { startAppUnderTest, type AppUnderTest } from './app-under-test';
import { authorizationMatrix } from './authz';
import { hostileBodies } from './bodies';
import { issuedIps, newTrader, tradingOwner, type Trader } from './fixtures';
import { fuzzEveryRoute } from './fuzz';
import { observatoryScan } from './headers';
import { hmacBoundary } from './hmac';
import { oauthMisuse } from './oauth';
import { routeInventory, routeKey } from './route-inventory';
import { secretScan, type Secret } from './secrets';
import { cookieFlags, csrfOnEveryMutation, sessionFixation, sessionRevocation } from './sessions';
import { sqlInjection } from './sqli';
import { pathTraversal } from './traversal';
import { storedXss } from './xss';

const args = process.argv.slice(2);
const ci = args.includes('--ci');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const selected = (name: string) =>
  !only || only.split(',').some((part) => name.toLowerCase().includes(part.trim().toLowerCase()));
const DEADLINE_MS = (ci ? 15 : 20) * 60_000;

async function main(): Promise<boolean> {
  const deadline = setTimeout(() => {
    process.stderr.write(`security run passed its deadline (${describeRunningSection()}); stopping\n`);
    killAllChildren();
    process.exit(2);
  }, DEADLINE_MS);
  deadline.unref();
  const startedAt = new Date().toISOString();
  const logDir = mkdtempSync(join(tmpdir(), 'tt-verify-sec-logs-'));
  const sections: Section[] = [];
  const binanceSecret = `sbx_sk_${randomBytes(18).toString('hex')}`;
  let aut: AppUnderTest | undefined;
  try {
    aut = await startAppUnderTest(logDir);
    const app = aut;
    const routes = routeInventory(app.app);
    let owner: Trader | undefined;
    let other: Trader | undefined;
    const section = async (name: string, body: (s: Section) => Promise<void>) => {
      if (selected(name)) await runSection(sections, name, body);
    };

    await section('route inventory (read from Fastify)', async (s) => {
      s.check('the app registers its routes (more than 40)', routes.length > 40, { count: routes.length });
      s.figure('routes', routes.map(routeKey));
      owner = await tradingOwner(app, binanceSecret);
      other = await newTrader(app);
      s.check('the owner has an imported, tagged history to protect', !!owner.tradeId && !!owner.importId, {
        tradeId: owner.tradeId,
      });
    });
    if (!owner || !other) throw new Error('the fixtures could not be set up');
    const o = owner;
    const b = other;

    await section('authorization matrix: every route × anonymous, another user, the owner', (s) =>
      authorizationMatrix(s, app, routes, o, b),
    );
    await section('CSRF on every mutating route', (s) => csrfOnEveryMutation(s, app, routes));
    await section('cookie flags', (s) => cookieFlags(s, app));
    await section('session fixation', (s) => sessionFixation(s, app));
    await section('session revocation (HTTP and WebSocket)', (s) => sessionRevocation(s, app));
    await section('response headers: Mozilla HTTP Observatory through the production edge', (s) =>
      observatoryScan(s, app.base),
    );
    await section(`fuzzing every route (fast-check, ${ci ? 15 : 100} cases each)`, (s) =>
      fuzzEveryRoute(s, app, routes, ci ? 15 : 100),
    );
    await section('oversized and malformed bodies', (s) => hostileBodies(s, app, routes));
    await section('path traversal on static files', (s) => pathTraversal(s, app));
    await section('SQL injection in every string parameter', (s) => sqlInjection(s, app, routes, o));
    await section('stored XSS in journal notes', (s) => storedXss(s, app, o));
    await section('OAuth state and PKCE misuse', (s) => oauthMisuse(s, app));
    await section('HMAC boundary of the running ML service (replay, skew, tamper)', (s) =>
      hmacBoundary(s, app.ml),
    );
    await section('secrets in logs, database and Redis after connect, import and refresh', async (s) => {
      s.check(
        'the OAuth token was refreshed (rotated) before the scan',
        await forceTokenRefresh(app, o),
        undefined,
      );
      const secrets: Secret[] = [
        { what: 'the Binance API secret', value: binanceSecret },
        { what: "the owner's password", value: o.password },
        { what: "another user's password", value: b.password },
        { what: 'the sign-up password of the cookie test', value: 'a long enough passphrase 42' },
        { what: "the owner's session token", value: o.sessionToken },
        { what: "another user's session token", value: b.sessionToken },
      ];
      await secretScan(s, app, secrets, [...issuedIps]);
    });
  } catch (error) {
    await runSection(sections, 'setup', async (s) => s.fail(error));
  } finally {
    await aut?.close().catch(() => undefined);
  }
  return writeReport('security.json', {
    suite: 'security',
    mode: ci ? 'ci' : 'full',
    startedAt,
    environment: { node: process.version, cpus: cpus().length, redis: REDIS_URL, logDir },
    sections,
  });
}

/** Ages the owner's Coinbase access token so that the next import must refresh it; true once the sealed token changed. */
async function forceTokenRefresh(aut: AppUnderTest, owner: Trader): Promise<boolean> {
  const db = aut.platform.database.db;
  const sealed = async () =>
    (
      (await db.execute(
        sql`select encode(access_enc, 'hex') as access from broker_connections where user_id = ${owner.userId} and broker = 'coinbase'`,
      )) as unknown as { rows: { access: string }[] }
    ).rows[0]?.access;
  await waitFor(
    'no import running for the owner',
    async () =>
      (
        (await db.execute(
          sql`select count(*)::int as n from import_runs where user_id = ${owner.userId} and status in ('queued', 'running')`,
        )) as unknown as { rows: { n: number }[] }
      ).rows[0]!.n === 0,
    240_000,
    250,
  );
  const before = await sealed();
  await db.execute(
    sql`update broker_connections set expires_at = now() - interval '1 hour' where user_id = ${owner.userId} and broker = 'coinbase'`,
  );
  await importAndWait(owner.client, 240_000);
  return before !== undefined && (await sealed()) !== before;
}

main()
  .then((pass) => {
    killAllChildren();
    process.exit(pass ? 0 : 1);
  })
  .catch((error: unknown) => {
    process.stderr.write(`security run failed: ${(error as Error).stack ?? String(error)}\n`);
    killAllChildren();
    process.exit(1);
  });
