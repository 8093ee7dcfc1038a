import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { count, eq } from 'drizzle-orm';
import { trades } from '@tt/db';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import { mutationHeaders, signUpAndLogIn, type TestClient } from '../auth/auth.test-support';

const fixture = (name: string) =>
  readFileSync(
    fileURLToPath(new URL(`../../../../../packages/adapters/src/__fixtures__/csv/${name}`, import.meta.url)),
    'utf8',
  );

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function upload(client: TestClient, broker: string, csv: string, filename = 'fills.csv') {
  const boundary = '----tt-test-boundary';
  const body = [
    `--${boundary}\r\nContent-Disposition: form-data; name="broker"\r\n\r\n${broker}\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n`,
    `--${boundary}--\r\n`,
  ].join('');
  return client.request({
    method: 'POST',
    url: '/api/imports/csv',
    headers: await mutationHeaders(client, { 'content-type': `multipart/form-data; boundary=${boundary}` }),
    payload: body,
  });
}

async function waitFor(client: TestClient, importId: string) {
  for (let i = 0; i < 300; i++) {
    const run = (await client.request({ method: 'GET', url: `/api/imports/${importId}` })).json() as {
      status: string;
    };
    if (run.status === 'succeeded' || run.status === 'failed') return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('csv import did not finish');
}

describe('POST /api/imports/csv', () => {
  it('stores every fill of a Coinbase export, pairs and tags them, and never doubles them on a second upload', async () => {
    const { client, userId } = await signUpAndLogIn(t.app);
    const csv = fixture('coinbase-fills.csv');
    const first = await upload(client, 'coinbase', csv);
    expect(first.statusCode).toBe(202);
    const run = await waitFor(client, (first.json() as { importId: string }).importId);
    expect(run).toMatchObject({ status: 'succeeded', kind: 'csv' });
    const db = t.platform.database.db;
    const [stored] = await db.select({ n: count() }).from(trades).where(eq(trades.userId, userId));
    expect(stored!.n).toBeGreaterThan(0);
    expect(run).toMatchObject({ inserted: stored!.n, scored: stored!.n });

    const again = await upload(client, 'coinbase', csv);
    const second = await waitFor(client, (again.json() as { importId: string }).importId);
    expect(second).toMatchObject({ status: 'succeeded', inserted: 0, duplicates: stored!.n });
    const [after] = await db.select({ n: count() }).from(trades).where(eq(trades.userId, userId));
    expect(after!.n).toBe(stored!.n);
  });

  it('rejects a file with bad rows, naming their lines, and stores nothing', async () => {
    const { client, userId } = await signUpAndLogIn(t.app);
    const res = await upload(client, 'binance', fixture('binance-trade-history-bad.csv'));
    expect(res.statusCode).toBe(422);
    const problem = res.json() as { errors: { field: string; message: string }[] };
    expect(problem.errors.length).toBeGreaterThan(0);
    expect(problem.errors.every((e) => /^line \d+$/.test(e.field))).toBe(true);
    const [stored] = await t.platform.database.db
      .select({ n: count() })
      .from(trades)
      .where(eq(trades.userId, userId));
    expect(stored!.n).toBe(0);
  });

  it('names the missing parts of a malformed upload', async () => {
    const { client } = await signUpAndLogIn(t.app);
    const res = await upload(client, 'kraken', 'a,b\n1,2');
    expect(res.statusCode).toBe(400);
    expect((res.json() as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(
      'body.broker',
    );
  });

  it('answers a multipart body cut short with a 400 problem, not a 500', async () => {
    const { client } = await signUpAndLogIn(t.app);
    for (const payload of ['[]', '--tt-cut\r\n']) {
      const res = await client.request({
        method: 'POST',
        url: '/api/imports/csv',
        headers: await mutationHeaders(client, { 'content-type': 'multipart/form-data; boundary=tt-cut' }),
        payload,
      });
      expect([payload, res.statusCode]).toEqual([payload, 400]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});
