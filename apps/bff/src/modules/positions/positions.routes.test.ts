import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PositionDtoSchema, type PositionDto } from '@tt/shared';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import { signUpAndLogIn, type TestClient } from '../auth/auth.test-support';
import { allPages, getPage, storeAndPair, testFill } from '../../test-support/trade-fixtures';

let t: TestApp;
let client: TestClient;

// BTC: two buys, a sell of 1.5 closing the first lot and half the second (three lots, one open).
// ETH: one buy, still open.
const FILLS = [
  testFill('b1', 'BTC-USD', 'BUY', '1', '100', 1),
  testFill('b2', 'BTC-USD', 'BUY', '1', '110', 2),
  testFill('s1', 'BTC-USD', 'SELL', '1.5', '120', 5),
  testFill('e1', 'ETH-USD', 'BUY', '2', '10', 6),
];

const list = (query: string) => getPage<PositionDto>(client, `/api/positions${query}`, PositionDtoSchema);

beforeAll(async () => {
  t = await createTestApp({ worker: false });
  let userId: string;
  ({ client, userId } = await signUpAndLogIn(t.app));
  await storeAndPair(t, userId, FILLS);
});

afterAll(() => t.close());

describe('GET /api/positions', () => {
  it('pages the FIFO lots newest entry first, each exactly once', async () => {
    const seen = await allPages(list, 1);
    expect(seen).toHaveLength(4);
    expect(new Set(seen.map((p) => p.id)).size).toBe(4);
    const entries = seen.map((p) => p.entryTs);
    expect(entries).toEqual([...entries].sort().reverse());
  });

  it('filters by status and symbol (any case), with exact P&L on closed lots', async () => {
    const closed = (await list('?status=closed')).items;
    expect(closed.map((p) => p.qty).sort()).toEqual(['0.500000000000000000', '1.000000000000000000']);
    expect(closed.every((p) => p.exitTs === '2026-11-01T05:00:00.123Z')).toBe(true);
    const open = (await list('?status=open&symbol=btc-usd')).items;
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ symbol: 'BTC-USD', qty: '0.500000000000000000', exitTradeId: null });
    expect((await list('?symbol=ETH-USD')).items.map((p) => p.qty)).toEqual(['2.000000000000000000']);
  });

  it('answers a bad query with a problem naming the field', async () => {
    for (const [query, field] of [
      ['?status=half', 'query.status'],
      ['?limit=501', 'query.limit'],
      ['?cursor=not-a-cursor', 'query.cursor'],
    ] as const) {
      const res = await client.request({ method: 'GET', url: `/api/positions${query}` });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(res.json())).toContain(field);
    }
  });

  it('needs a session', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/positions' });
    expect(res.statusCode).toBe(401);
  });
});
