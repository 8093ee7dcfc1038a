import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TradeDtoSchema, type TradeDto } from '@tt/shared';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import { signUpAndLogIn, type TestClient } from '../auth/auth.test-support';
import { Dec } from '../../lib/money';
import { allPages, fillHour, getPage, storeAndPair, testFill } from '../../test-support/trade-fixtures';
import { replaceTags } from '../scoring/tags.repository';

let t: TestApp;
let client: TestClient;
let userId: string;

// Two buys, one sell closing 1.5 of them across two lots, and fills sharing a timestamp (id tiebreak).
const FILLS = [
  testFill('b1', 'BTC-USD', 'BUY', '1', '100', 1),
  testFill('b2', 'BTC-USD', 'BUY', '1', '110', 2),
  testFill('s1', 'BTC-USD', 'SELL', '1.5', '123.456789012345678', 5),
  testFill('e1', 'ETH-USD', 'BUY', '2.000000000000000001', '10', 5),
  testFill('e2', 'ETH-USD', 'BUY', '3', '11', 5),
  testFill('e3', 'ETH-USD', 'SELL', '0.5', '12', 6),
];

const list = (query: string) => getPage<TradeDto>(client, `/api/trades${query}`, TradeDtoSchema);

beforeAll(async () => {
  t = await createTestApp({ worker: false });
  ({ client, userId } = await signUpAndLogIn(t.app));
  const db = t.platform.database.db;
  await storeAndPair(t, userId, FILLS);
  const { items } = await list('?limit=500');
  const id = (extId: string) => items.find((i) => i.extId === extId)!.id;
  await replaceTags(
    db,
    [id('s1'), id('b1')],
    [
      { tradeId: id('s1'), userId, label: 'PANIC', confidence: 0.4, reasons: ['r'], features: {} },
      { tradeId: id('s1'), userId, label: 'FOMO', confidence: 0.9, reasons: ['r'], features: {} },
      { tradeId: id('b1'), userId, label: 'DISCIPLINE', confidence: 0.7, reasons: ['r'], features: {} },
    ],
  );
  // Written straight to the tables here, so the pages the first read cached are stale until told.
  await t.services.trades.changed(userId);
});

afterAll(async () => {
  await t.close();
});

describe('GET /api/trades', () => {
  it('pages newest first on (ts, id): every trade exactly once across pages', async () => {
    const seen = await allPages(list, 2);
    expect(seen.map((i) => i.extId).sort()).toEqual(FILLS.map((f) => f.extId).sort());
    const keys = seen.map((i) => `${i.ts}|${i.id}`);
    expect(keys).toEqual([...keys].sort().reverse());
  });

  it('renders decimals exactly, times as ISO UTC, and labels strongest first', async () => {
    const { items } = await list('?limit=500');
    const sell = items.find((i) => i.extId === 's1')!;
    expect(sell).toMatchObject({
      qty: '1.500000000000000000',
      price: '123.456789012345678000',
      fee: '0.100000000000000000',
      feeAsset: 'USD',
      ts: '2026-11-01T05:00:00.123Z',
      source: 'api',
      side: 'SELL',
    });
    expect(sell.labels).toEqual([
      { label: 'FOMO', confidence: 0.9 },
      { label: 'PANIC', confidence: 0.4 },
    ]);
    expect(items.find((i) => i.extId === 'b2')!.labels).toEqual([]);
  });

  it("gives an exit its FIFO P&L after fees, as exact as the lots', and entries none", async () => {
    const { items } = await list('?limit=500');
    const sell = items.find((i) => i.extId === 's1')!;
    // 1 @ 100 and 0.5 @ 110 sold at 123.456789012345678; fees 0.1 + 0.05 (entries) + 0.1 (exit).
    const exitPrice = new Dec('123.456789012345678');
    const cost = new Dec(100).plus(0.1).plus(new Dec(55).plus(0.05));
    const pnl = exitPrice.mul(1.5).minus(0.1).minus(cost);
    expect(new Dec(sell.pnlQuote!).equals(pnl)).toBe(true);
    expect(sell.pnlPct).toBe(Number(sell.pnlQuote) / Number(cost.toFixed()));
    expect(sell.heldHours).toBeCloseTo((4 * 1 + 3 * 0.5) / 1.5, 12);
    for (const entry of items.filter((i) => i.side === 'BUY'))
      expect(entry).toMatchObject({ pnlQuote: null, pnlPct: null, heldHours: null });
  });

  it('filters by symbol, side, label and time window', async () => {
    expect((await list('?symbol=eth-usd')).items.map((i) => i.extId).sort()).toEqual(['e1', 'e2', 'e3']);
    expect((await list('?side=SELL')).items.map((i) => i.extId).sort()).toEqual(['e3', 's1']);
    expect((await list('?label=DISCIPLINE')).items.map((i) => i.extId)).toEqual(['b1']);
    const window = `?since=${fillHour(2).toISOString()}&until=${fillHour(5).toISOString()}`;
    expect((await list(window)).items.map((i) => i.extId).sort()).toEqual(['b2', 'e1', 'e2', 's1']);
  });

  it('serves a page from the cache until a change is reported, then the new data', async () => {
    const before = await list('?symbol=SOL-USD');
    await t.services.trades.store(t.platform.database.db, userId, null, [
      testFill('x1', 'SOL-USD', 'BUY', '1', '1', 7),
    ]);
    expect(await list('?symbol=SOL-USD')).toEqual(before);
    await t.services.trades.changed(userId);
    expect((await list('?symbol=SOL-USD')).items.map((i) => i.extId)).toEqual(['x1']);
  });

  it("shows no one else's trades, and the detail view starts from the same rendering", async () => {
    const other = await signUpAndLogIn(t.app);
    const res = await other.client.request({ method: 'GET', url: '/api/trades' });
    expect(res.json()).toEqual({ items: [], nextCursor: null });
    const [first] = (await list('?limit=1')).items;
    const detail = await client.request({ method: 'GET', url: `/api/trades/${first!.id}` });
    expect(detail.json()).toMatchObject(first!);
  });
});
