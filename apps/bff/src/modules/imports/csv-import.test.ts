import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { and, count, eq, sql } from 'drizzle-orm';
import { biasTags, candleCoverage, trades } from '@tt/db';
import { startSandbox } from '@tt/broker-sandbox';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import { mutationHeaders, signUpAndLogIn, type TestClient } from '../auth/auth.test-support';
import { recentCoinbaseCsv, uploadCsv, VENDOR_CSV_FILLS } from '../../test-support/csv-upload';

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
    const first = await uploadCsv(client, 'coinbase', csv);
    expect(first.statusCode).toBe(202);
    const run = await waitFor(client, (first.json() as { importId: string }).importId);
    expect(run).toMatchObject({ status: 'succeeded', kind: 'csv' });
    const db = t.platform.database.db;
    const [stored] = await db.select({ n: count() }).from(trades).where(eq(trades.userId, userId));
    expect(stored!.n).toBeGreaterThan(0);
    expect(run).toMatchObject({ inserted: stored!.n, scored: stored!.n });

    const again = await uploadCsv(client, 'coinbase', csv);
    const second = await waitFor(client, (again.json() as { importId: string }).importId);
    expect(second).toMatchObject({ status: 'succeeded', inserted: 0, duplicates: stored!.n });
    const [after] = await db.select({ n: count() }).from(trades).where(eq(trades.userId, userId));
    expect(after!.n).toBe(stored!.n);
  });

  it('rejects a file with bad rows, naming their lines, and stores nothing', async () => {
    const { client, userId } = await signUpAndLogIn(t.app);
    const res = await uploadCsv(client, 'binance', fixture('binance-trade-history-bad.csv'));
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
    const res = await uploadCsv(client, 'kraken', 'a,b\n1,2');
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

describe('POST /api/imports/csv without a broker connection, with the market-data vendor on', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let withVendor: TestApp;
  beforeAll(async () => {
    // Old fills reach back years: one vendor call per 5,000 hours and pair, so a roomy plan.
    sandbox = await startSandbox({ port: 0, vendorRequestsPerMinute: 1000 });
    withVendor = await createTestApp({
      env: {
        MARKET_VENDOR: 'twelvedata',
        MARKET_VENDOR_BASE_URL: `${sandbox.url}/vendor/twelvedata`,
        MARKET_VENDOR_API_KEY: 'tt-test-vendor-key',
        MARKET_VENDOR_REQUESTS_PER_MINUTE: '1000',
      },
    });
  });
  afterAll(async () => {
    await withVendor.close();
    await sandbox.close();
  });

  it('gives the fills market context from the vendor; pairs it does not list stay without', async () => {
    const { client, userId } = await signUpAndLogIn(withVendor.app);
    const csv = recentCoinbaseCsv([
      ...VENDOR_CSV_FILLS,
      { product: 'DOGE-USD', side: 'BUY', daysAgo: 6, size: '1000', price: '0.2', total: '-201' },
    ]);
    const res = await uploadCsv(client, 'coinbase', csv);
    const run = await waitFor(client, (res.json() as { importId: string }).importId);
    expect(run).toMatchObject({ status: 'succeeded' });
    const db = withVendor.platform.database.db;
    const rsiOf = async (symbol: string) =>
      db
        .selectDistinct({ rsi: sql<number | null>`(${biasTags.features}->>'RSI_14')::float8` })
        .from(biasTags)
        .innerJoin(trades, eq(trades.id, biasTags.tradeId))
        .where(and(eq(trades.userId, userId), eq(trades.symbol, symbol)));
    for (const symbol of ['BTC-USD', 'LTC-USD']) {
      const rsi = await rsiOf(symbol);
      expect(rsi.length).toBeGreaterThan(0);
      expect(rsi.every((r) => r.rsi !== null && r.rsi > 0 && r.rsi < 100)).toBe(true);
      const [coverage] = await db
        .select()
        .from(candleCoverage)
        .where(and(eq(candleCoverage.source, 'coinbase'), eq(candleCoverage.symbol, symbol)));
      expect(coverage?.provider).toBe('vendor');
    }
    // DOGE is listed by neither sandbox exchange nor its vendor: no context, but still tagged.
    const doge = await rsiOf('DOGE-USD');
    expect(doge.length).toBeGreaterThan(0);
    expect(doge.every((r) => r.rsi === null)).toBe(true);
  });
});
