import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { eq } from 'drizzle-orm';
import { openDatabase, type DatabaseHandle } from './database';
import { anyUuid } from './any-uuid';
import { jsonRows } from './json-rows';
import { candleCoverage, trades, users } from './schema';

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `tt_json_rows_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

const drivers: [string, () => Promise<DatabaseHandle>][] = [
  ['PGlite', () => openDatabase({ driver: 'pglite', dataDir: null })],
  [
    'PostgreSQL',
    async () => {
      await admin(`CREATE DATABASE ${name}`);
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      return openDatabase({ driver: 'postgres', url: url.toString(), poolSize: 2 });
    },
  ],
];

const decimal = fc
  .tuple(fc.bigInt({ min: -(10n ** 19n), max: 10n ** 19n }), fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }))
  .map(([whole, fraction]) => `${whole}.${fraction.toString().padStart(18, '0')}`);

const fill = fc.record({
  extId: fc.string({ minLength: 1, maxLength: 30 }),
  orderId: fc.option(fc.string({ maxLength: 30 }), { nil: null }),
  symbol: fc.string({ minLength: 1, maxLength: 12 }),
  side: fc.constantFrom('BUY', 'SELL'),
  qty: decimal,
  price: decimal,
  ts: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
  meta: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer(), fc.boolean()), {
    noNullPrototype: true,
  }),
});

describe.each(drivers)('bulk statements on %s', (_driver, open) => {
  let handle: DatabaseHandle;
  let userId: string;

  beforeAll(async () => {
    handle = await open();
    const [user] = await handle.db
      .insert(users)
      .values({ email: `${randomUUID()}@example.test`, passwordHash: 'x' })
      .returning();
    userId = user!.id;
  });

  afterAll(async () => {
    await handle?.close();
    if (_driver === 'PostgreSQL') await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('stores exactly what .values() stores, defaults included, for any text, decimal, time and JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fill, { selector: (f) => f.extId, minLength: 1, maxLength: 20 }),
        async (fills) => {
          const viaValues = fills.map((f) => ({ ...f, userId, broker: 'values' }));
          const viaJson = fills.map((f) => ({ ...f, userId, broker: 'json' }));
          await handle.db.insert(trades).values(viaValues);
          const returned = await handle.db
            .insert(trades)
            .select(jsonRows(trades, viaJson))
            .returning({ extId: trades.extId });
          expect(returned.map((r) => r.extId).sort()).toEqual(fills.map((f) => f.extId).sort());

          const read = async (broker: string) =>
            (await handle.db.select().from(trades).where(eq(trades.broker, broker)))
              .map(({ id, createdAt, broker: _b, ...rest }) => {
                expect(id).toMatch(/^[0-9a-f-]{36}$/);
                expect(createdAt).toBeInstanceOf(Date);
                return rest;
              })
              .sort((a, b) => a.extId.localeCompare(b.extId));
          expect(await read('json')).toEqual(await read('values'));
          await handle.db.delete(trades);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('keeps onConflictDoNothing and returning: a second insert of the same rows returns none', async () => {
    const rows = [
      {
        userId,
        broker: 'b',
        extId: 'x1',
        symbol: 'BTC-USD',
        side: 'BUY',
        qty: '1',
        price: '2',
        ts: new Date(),
      },
    ];
    const insert = () =>
      handle.db
        .insert(trades)
        .select(jsonRows(trades, rows))
        .onConflictDoNothing({ target: [trades.userId, trades.broker, trades.extId] })
        .returning({ id: trades.id });
    expect(await insert()).toHaveLength(1);
    expect(await insert()).toHaveLength(0);
    const [stored] = await handle.db.select().from(trades).where(eq(trades.extId, 'x1'));
    expect(stored).toMatchObject({ fee: '0.000000000000000000', source: 'api', meta: {} });
  });

  it('fills a literal JSON default for a column no row supplies', async () => {
    const coveredFrom = new Date('2026-01-01T00:00:00Z');
    await handle.db
      .insert(candleCoverage)
      .select(jsonRows(candleCoverage, [{ source: 's', symbol: 'X', coveredFrom, coveredTo: coveredFrom }]));
    const [row] = await handle.db.select().from(candleCoverage);
    expect(row).toMatchObject({ gapHours: [], coveredFrom });
    expect(row!.updatedAt).toBeInstanceOf(Date);
  });

  it('anyUuid matches exactly the ids given, from none to thousands', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => ({
      userId,
      broker: 'any',
      extId: `a${i}`,
      symbol: 'BTC-USD',
      side: 'BUY',
      qty: '1',
      price: '1',
      ts: new Date(),
    }));
    const ids = (
      await handle.db.insert(trades).select(jsonRows(trades, rows)).returning({ id: trades.id })
    ).map((r) => r.id);
    const count = async (wanted: string[]) =>
      (await handle.db.select({ id: trades.id }).from(trades).where(anyUuid(trades.id, wanted))).length;
    expect(await count([])).toBe(0);
    expect(await count([ids[7]!])).toBe(1);
    expect(await count([...ids.slice(0, 2000), randomUUID()])).toBe(2000);
    await handle.db.delete(trades).where(anyUuid(trades.id, ids));
    expect(await count(ids)).toBe(0);
  });
});
