import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq, sql } from 'drizzle-orm';
import { biasTags, trades } from '@tt/db';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import { mutationHeaders, signUpAndLogIn } from '../auth/auth.test-support';
import {
  connectSandboxCoinbase,
  countSandboxSpotFills,
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

describe('import pipeline (sandbox demo account over HTTP)', () => {
  it('stores every fill once, tags every trade with its features, and a second import inserts nothing', async () => {
    const { client, userId } = await signUpAndLogIn(t.app);
    await connectSandboxCoinbase(client, 'demo');

    const first = await importAndWait(client);
    expect(first).toMatchObject({ status: 'succeeded', phase: 'done' });
    const window = new Date(Date.parse(String(first.since)));
    const expected = await countSandboxSpotFills(sandbox.url, 'demo', window);
    expect(expected).toBeGreaterThan(200);

    const db = t.platform.database.db;
    const [stored] = await db.select({ n: count() }).from(trades).where(eq(trades.userId, userId));
    expect(stored!.n).toBe(expected);
    expect(first.inserted).toBe(expected);
    expect(first.scored).toBe(expected);

    const untagged = await db.execute(
      sql`select count(*)::int as n from trades t where t.user_id = ${userId} and not exists (select 1 from bias_tags b where b.trade_id = t.id)`,
    );
    expect((untagged as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(0);
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

    // The same fills exported as CSV (Coinbase's fills layout) are recognised, not doubled.
    const some = await db.select().from(trades).where(eq(trades.userId, userId)).limit(5);
    const csv = [
      'portfolio,trade id,product,side,created at,size,size unit,price,fee,total,price/fee/total unit',
      ...some.map((f) => {
        const [base, quote] = f.symbol.split('-');
        return `default,${f.extId},${f.symbol},${f.side},${f.ts.toISOString()},${f.qty},${base},${f.price},${f.fee},0,${quote}`;
      }),
    ].join('\n');
    const boundary = '----tt-overlap';
    const uploaded = await client.request({
      method: 'POST',
      url: '/api/imports/csv',
      headers: await mutationHeaders(client, { 'content-type': `multipart/form-data; boundary=${boundary}` }),
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="broker"\r\n\r\ncoinbase\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.csv"\r\n\r\n${csv}\r\n--${boundary}--\r\n`,
    });
    expect(uploaded.statusCode).toBe(202);
    const overlap = (
      await client.request({
        method: 'GET',
        url: `/api/imports/${(uploaded.json() as { importId: string }).importId}`,
      })
    ).json();
    expect(overlap).toMatchObject({ inserted: 0, duplicates: 5 });
    const [withCsv] = await db.select({ n: count() }).from(trades).where(eq(trades.userId, userId));
    expect(withCsv!.n).toBe(expected);

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
  }, 180_000);
});
