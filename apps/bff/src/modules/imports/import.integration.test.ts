import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq, sql } from 'drizzle-orm';
import { biasTags, trades } from '@tt/db';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import { signUpAndLogIn } from '../auth/auth.test-support';
import {
  connectSandboxCoinbase,
  importAndWait,
  sandboxEnv,
  type RunningSandbox,
} from '../../test-support/sandbox-broker';
import { startSandbox } from '@tt/broker-sandbox';

let sandbox: RunningSandbox;
let t: TestApp;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  t = await createTestApp({ env: sandboxEnv(sandbox) });
});
afterAll(async () => {
  await t?.close();
  await sandbox?.close();
});

/** Spot fills the sandbox's demo account has in the window, counted independently of our import. */
async function sandboxSpotFillCount(): Promise<number> {
  let total = 0;
  for await (const page of t.services.adapters.coinbase.fetchFills({
    credentials: {
      get: async () => ({
        accessToken: await demoToken(),
        expiresAt: new Date(Date.now() + 3_600_000),
        scope: '',
      }),
    },
    since: new Date(Date.now() - 31 * 86_400_000),
    until: new Date(),
  })) {
    total += page.fills.length;
  }
  return total;
}

async function demoToken(): Promise<string> {
  const { createHash, randomBytes } = await import('node:crypto');
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const redirect = 'http://127.0.0.1/cb';
  const authorize = new URL(`${sandbox.url}/oauth/authorize`);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: 'independent-counter',
    redirect_uri: redirect,
    state: 'independent-counter-state',
    scope: 'wallet:transactions:read',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })) {
    authorize.searchParams.set(k, v);
  }
  const allow = await fetch(authorize, {
    method: 'POST',
    body: new URLSearchParams({ decision: 'allow', account: 'demo' }),
    redirect: 'manual',
  });
  const code = new URL(allow.headers.get('location')!).searchParams.get('code')!;
  const token = await fetch(`${sandbox.url}/oauth/token`, {
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

describe('import pipeline (sandbox demo account over HTTP)', () => {
  it('stores every fill once, tags every trade with its features, and a second import inserts nothing', async () => {
    const { client, userId } = await signUpAndLogIn(t.app);
    await connectSandboxCoinbase(client, 'demo');

    const first = await importAndWait(client);
    expect(first).toMatchObject({ status: 'succeeded', phase: 'done' });
    const expected = await sandboxSpotFillCount();
    expect(expected).toBeGreaterThan(200);

    const db = t.platform.database.db;
    const [stored] = await db.select({ n: count() }).from(trades).where(eq(trades.userId, userId));
    expect(stored!.n).toBe(expected);
    expect(first.inserted).toBe(expected);
    expect(first.scored).toBe(expected);

    const untagged = await db.execute(
      sql`select count(*)::int as n from trades t where t.user_id = ${userId} and not exists (select 1 from bias_tags b where b.trade_id = t.id)`,
    );
    expect((untagged.rows[0] as { n: number }).n).toBe(0);
    const tags = await db.select().from(biasTags).where(eq(biasTags.userId, userId));
    expect(
      tags.every(
        (tag) => typeof tag.features === 'object' && tag.features !== null && 'RSI_14' in tag.features,
      ),
    ).toBe(true);
    expect(new Set(tags.map((tag) => tag.label)).size).toBeGreaterThanOrEqual(4);

    const second = await importAndWait(client);
    expect(second).toMatchObject({ status: 'succeeded', inserted: 0 });
    const [after] = await db.select({ n: count() }).from(trades).where(eq(trades.userId, userId));
    expect(after!.n).toBe(expected);

    const list = await client.request({ method: 'GET', url: '/api/trades?limit=5' });
    expect(list.statusCode).toBe(200);
    const body = list.json() as { items: { id: string; labels: unknown[] }[]; nextCursor: string | null };
    expect(body.items).toHaveLength(5);
    expect(body.nextCursor).not.toBeNull();
    const bias = await client.request({ method: 'GET', url: `/api/trades/${body.items[0]!.id}/bias` });
    const biasBody = bias.json() as {
      items: { label: string; confidence: number; reasons: string[]; features: object }[];
    };
    expect(biasBody.items.length).toBeGreaterThanOrEqual(1);
    expect(biasBody.items[0]!.reasons.length).toBeGreaterThanOrEqual(1);
  });
});
