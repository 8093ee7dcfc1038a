import { Writable } from 'node:stream';
import { expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startSandbox } from '@tt/broker-sandbox';
import type { Database } from '@tt/db';
import type { AppConfig } from '../../config/config';
import type { Platform } from '../../platform';
import { createTestApp } from '../../test-support/test-app';
import { sandboxEnv } from '../../test-support/sandbox-broker';
import { mutationHeaders, type TestClient } from '../auth/auth.test-support';
import type { Services } from '../services';

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

export interface BrokersTestApp {
  app: FastifyInstance;
  platform: Platform;
  services: Services;
  config: AppConfig;
  sandbox: Sandbox;
  /** Every log line the app wrote, at trace level. */
  logs: string[];
  close(): Promise<void>;
}

/** The sandbox's credential prefixes, as text and as the hex a bytea column shows. */
export const CREDENTIAL_MARKERS = ['sbx_at_', 'sbx_rt_', 'sbx_sk_'].flatMap((m) => [
  m,
  Buffer.from(m).toString('hex'),
]);

/**
 * A BFF like `createTestApp` builds (in-memory PGlite, temp data dir), with the Coinbase and
 * Binance adapters pointed at a standalone sandbox over real HTTP and every log line captured.
 * Built here rather than through `createTestApp` because the log scan needs the logger's stream.
 */
export async function createBrokersTestApp(): Promise<BrokersTestApp> {
  const sandbox = await startSandbox({ port: 0 });
  const logs: string[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const t = await createTestApp({
    env: sandboxEnv(sandbox, { LOG_LEVEL: 'trace', COINBASE_CLIENT_ID: 'trading-twin-test' }),
    logDestination: capture,
  });
  return {
    ...t,
    sandbox,
    logs,
    async close() {
      await t.close();
      await sandbox.close();
    },
  };
}

export interface OAuthDance {
  state: string;
  /** Where the sandbox sent the browser back (our callback, with code and state or an error). */
  returnUrl: URL;
}

/** The browser's part: start, open the consent page over HTTP, and submit its form. */
export async function consentAtSandbox(
  client: TestClient,
  decision: 'allow' | 'deny',
  account = 'demo',
): Promise<OAuthDance> {
  const start = await client.request({
    method: 'POST',
    url: '/api/brokers/coinbase/connect/start',
    headers: await mutationHeaders(client),
    payload: {},
  });
  expect(start.statusCode, start.body).toBe(200);
  const { url, state } = start.json() as { url: string; state: string };
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const action = /<form method="post" action="([^"]+)"/.exec(await page.text())?.[1];
  expect(action).toBeDefined();
  const formUrl = new URL(action!.replace(/&amp;/g, '&'), url);
  const consent = await fetch(formUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ decision, account }).toString(),
    redirect: 'manual',
  });
  expect(consent.status).toBe(302);
  return { state, returnUrl: new URL(consent.headers.get('location')!) };
}

/** Sends the browser to our callback with its session cookie, as the redirect would. */
export function followCallback(client: TestClient, returnUrl: URL, query = returnUrl.search) {
  return client.request({ method: 'GET', url: `${returnUrl.pathname}${query}` });
}

/** Where a callback redirected the browser, parsed. */
export function redirectOf(response: { statusCode: number; headers: Record<string, unknown> }) {
  expect(response.statusCode).toBe(302);
  const location = new URL(String(response.headers.location), 'http://127.0.0.1:3000');
  return { path: location.pathname, params: Object.fromEntries(location.searchParams) };
}

/** Every row of every table, as text: what a database dump would show. */
export async function dumpAllTables(db: Database): Promise<string> {
  // The driver-neutral Database type leaves raw results untyped; both drivers answer `{ rows }`.
  const query = async <T>(text: string) => ((await db.execute(text)) as unknown as { rows: T[] }).rows;
  const tables = await query<{ table_schema: string; table_name: string }>(
    "select table_schema, table_name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') order by 1, 2",
  );
  const parts: string[] = [];
  for (const { table_schema, table_name } of tables) {
    const rows = await query<{ row: string }>(
      `select row_to_json(t)::text as row from "${table_schema}"."${table_name}" t`,
    );
    parts.push(`-- ${table_schema}.${table_name}`, ...rows.map((r) => r.row));
  }
  return parts.join('\n');
}

/** The data directory's key folder (the test app runs on the file key driver). */
export function keysDir(config: AppConfig): string {
  if (config.keys.driver !== 'file') throw new Error('the brokers test app uses the file key driver');
  return config.keys.dir;
}
