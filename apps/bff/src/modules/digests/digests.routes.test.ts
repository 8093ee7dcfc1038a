import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { coachEvents, digests, users } from '@tt/db';
import type { DigestAccepted, DigestDto, RuleDto } from '@tt/shared';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import { mutationHeaders, signUpAndLogIn } from '../auth/auth.test-support';
import { waitFor } from '../../infra/jobs/jobs.test-support';
import { HOUR, seedCandles, seedFills, seedTags } from '../simulations/trading-seed.test-support';
import { addDays, lastFullWeek, zonedTime } from './local-week';

const ZONE = 'Europe/Berlin';
const DAY = 24 * HOUR;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

/**
 * The last full week in Berlin: BTC bought (FOMO) and sold at a gain on Tuesday; ETH bought the
 * week before (FOMO) and sold at a loss on Wednesday (PANIC); SOL bought the week before and held.
 */
async function seedWeek(userId: string) {
  const db = t.platform.database.db;
  await db.update(users).set({ timeZone: ZONE }).where(eq(users.id, userId));
  const week = lastFullWeek(new Date(), ZONE);
  const at = (dayOffset: number, hour: number) => zonedTime(addDays(week.firstDay, dayOffset), hour, ZONE);
  const ids = new Map<string, string>();
  const put = async (symbol: string, fills: Parameters<typeof seedFills>[2]) => {
    for (const [k, v] of await seedFills(
      t,
      userId,
      fills.map((f) => ({ ...f, symbol })),
    ))
      ids.set(k, v);
  };
  await put('BTC-USD', [
    { extId: 'btc-buy', side: 'BUY', qty: '1', price: '100', fee: '0.1', at: at(1, 10) },
    { extId: 'btc-sell', side: 'SELL', qty: '1', price: '110', fee: '0.11', at: at(1, 14) },
  ]);
  await put('ETH-USD', [
    { extId: 'eth-buy', side: 'BUY', qty: '2', price: '50', fee: '0', at: at(-3, 12) },
    { extId: 'eth-sell', side: 'SELL', qty: '2', price: '45', fee: '0', at: at(2, 12) },
  ]);
  await put('SOL-USD', [{ extId: 'sol-buy', side: 'BUY', qty: '10', price: '10', fee: '0', at: at(-2, 12) }]);
  const fromMs = Math.floor(at(-4, 0) / HOUR) * HOUR;
  await seedCandles(t, { symbol: 'BTC-USD', fromMs, hours: 12 * 24, close: () => 105 });
  await seedCandles(t, { symbol: 'ETH-USD', fromMs, hours: 12 * 24, close: () => 45 });
  await seedCandles(t, { symbol: 'SOL-USD', fromMs, hours: 12 * 24, close: () => 11 });
  await seedTags(t, userId, [
    {
      tradeId: ids.get('btc-buy')!,
      label: 'FOMO',
      features: { side: 'BUY', symbol: 'BTC-USD', pct_change_24h_before: 0.11, RSI_14: 78, BB_pos: 0.95 },
    },
    { tradeId: ids.get('btc-sell')!, label: 'DISCIPLINE' },
    { tradeId: ids.get('eth-buy')!, label: 'FOMO' },
    { tradeId: ids.get('sol-buy')!, label: 'NEUTRAL' },
    {
      tradeId: ids.get('eth-sell')!,
      label: 'PANIC',
      features: {
        side: 'SELL',
        symbol: 'ETH-USD',
        pnl_exit: -0.1,
        held_hours: 120,
        drawdown_recent: 0.09,
        RSI_14: 28,
      },
    },
  ]);
  return { week, ids };
}

describe('weekly digest', () => {
  it('answers 404 until a digest exists, then builds the last full week with every part, stores it and pushes digest.ready', async () => {
    const { client, userId } = await signUpAndLogIn(t.app, { remoteAddress: '198.51.100.40' });
    const none = await client.request({ method: 'GET', url: '/api/digests/weekly/latest' });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ code: 'DIGESTS.NOT_FOUND' });

    const { week, ids } = await seedWeek(userId);
    const accepted = await client.request({
      method: 'POST',
      url: '/api/digests/weekly',
      headers: await mutationHeaders(client),
      payload: {},
    });
    expect(accepted.statusCode).toBe(202);
    expect(accepted.json<DigestAccepted>()).toEqual({
      jobId: `digest-${userId}-${week.firstDay}`,
      periodStart: week.start.toISOString(),
      periodEnd: week.end.toISOString(),
      firstDay: week.firstDay,
      lastDay: week.lastDay,
    });

    let latest = none;
    await waitFor('the digest, stored and pushed', async () => {
      latest = await client.request({ method: 'GET', url: '/api/digests/weekly/latest' });
      return latest.statusCode === 200 && latest.json<DigestDto>().deliveredAt !== null;
    });
    const digest = latest.json<DigestDto>();
    const p = digest.payload;
    expect(p).toMatchObject({
      periodStart: week.start.toISOString(),
      timeZone: ZONE,
      firstDay: week.firstDay,
      quoteCurrencies: ['USD'],
      trades: 3,
      closedPositions: 2,
      winRate: 0.5,
      pnl: '-0.21',
      expectancy: '-0.105',
      best: { tradeId: ids.get('btc-sell'), symbol: 'BTC-USD', pnl: '9.79' },
      worst: { tradeId: ids.get('eth-sell'), symbol: 'ETH-USD', pnl: '-10' },
      // Tuesday: BTC sold at a gain, ETH (45 < 50) and SOL (11 > 10) held; Wednesday: ETH sold at a loss, SOL held.
      dispositionEffect: {
        pgr: 1 / 3,
        plr: 1 / 2,
        realisedGains: 1,
        realisedLosses: 1,
        paperGains: 2,
        paperLosses: 1,
        saleDays: 2,
      },
      habit: { label: 'PANIC', cost: '10' },
      // Five trades: too few for personalisation to move anything.
      personalisedRules: [],
    });
    expect(p.profitFactor).toBeCloseTo(0.979, 12);
    expect(p.dispositionEffect!.difference).toBeCloseTo(-1 / 6, 12);
    expect(p.habit!.text).toMatch(
      /^Selling into a drop \(panic\) cost you 10\.00 USD this week over 1 closed position/,
    );
    expect(p.reflection).toEqual(expect.any(String));
    expect(p.reflection!.length).toBeGreaterThan(20);
    const label = (name: string) => p.labels.find((l) => l.label === name);
    expect(label('FOMO')).toEqual({
      label: 'FOMO',
      count: 1,
      previousWeekCount: 1,
      trend: 'same',
      pnl: '-0.21',
      positions: 2,
    });
    expect(label('PANIC')).toEqual({
      label: 'PANIC',
      count: 1,
      previousWeekCount: 0,
      trend: 'up',
      pnl: '-10',
      positions: 1,
    });
    expect(label('NEUTRAL')).toMatchObject({ count: 0, previousWeekCount: 1, trend: 'down' });
    expect(p.history).toHaveLength(8);
    expect(p.history.at(-1)).toEqual({
      weekStart: week.firstDay,
      counts: { FOMO: 1, PANIC: 1, DISCIPLINE: 1 },
    });
    expect(p.history.at(-2)).toEqual({
      weekStart: addDays(week.firstDay, -7),
      counts: { FOMO: 1, NEUTRAL: 1 },
    });

    const db = t.platform.database.db;
    const [row] = await db.select().from(digests).where(eq(digests.userId, userId));
    expect(row).toMatchObject({ id: digest.id, periodStart: week.start });
    expect(row!.deliveredAt).toBeInstanceOf(Date);
    const pushed = await db
      .select()
      .from(coachEvents)
      .where(and(eq(coachEvents.userId, userId), eq(coachEvents.type, 'digest.ready')));
    expect(pushed.map((e) => e.payload)).toEqual([
      { digestId: digest.id, periodStart: week.start.toISOString(), periodEnd: week.end.toISOString() },
    ]);

    const list = await client.request({ method: 'GET', url: '/api/digests?limit=1' });
    expect(list.json()).toMatchObject({ items: [{ id: digest.id }], nextCursor: expect.any(String) });
    const rest = await client.request({
      method: 'GET',
      url: `/api/digests?limit=1&cursor=${list.json().nextCursor}`,
    });
    expect(rest.json()).toEqual({ items: [], nextCursor: null });
    expect((await client.request({ method: 'GET', url: `/api/digests/${digest.id}` })).json()).toMatchObject({
      id: digest.id,
    });
  });

  it('lists active users whose due week has no digest, and skips a scheduled week already built', async () => {
    const { userId } = await signUpAndLogIn(t.app, { remoteAddress: '198.51.100.41' });
    const { week } = await seedWeek(userId);
    const at = new Date(week.end.getTime() + 2 * DAY);
    expect(await t.services.digests.due(at)).toContainEqual({ userId, week });

    await t.services.digests.build({ userId, firstDay: week.firstDay, trigger: 'schedule' });
    expect((await t.services.digests.due(at)).map((d) => d.userId)).not.toContain(userId);
    const db = t.platform.database.db;
    const countEvents = async () =>
      (
        await db
          .select()
          .from(coachEvents)
          .where(and(eq(coachEvents.userId, userId), eq(coachEvents.type, 'digest.ready')))
      ).length;
    expect(await countEvents()).toBe(1);
    // A second scheduled run of the same week (another worker's duplicate) neither rebuilds nor pushes.
    await t.services.digests.build({ userId, firstDay: week.firstDay, trigger: 'schedule' });
    expect(await countEvents()).toBe(1);
  });

  it('recalibrates the bias thresholds of a user with 30 trades or more when it builds the digest', async () => {
    const { client, userId } = await signUpAndLogIn(t.app, { remoteAddress: '198.51.100.42' });
    const week = lastFullWeek(new Date(), 'UTC');
    const fills = Array.from({ length: 36 }, (_, i) => ({
      extId: `buy-${i}`,
      side: 'BUY' as const,
      qty: '1',
      price: '100',
      fee: '0',
      at: week.start.getTime() + i * HOUR,
      symbol: 'ADA-USD',
    }));
    const ids = await seedFills(t, userId, fills);
    await seedTags(
      t,
      userId,
      fills.map((f, i) => ({
        tradeId: ids.get(f.extId)!,
        label: 'FOMO',
        features: { side: 'BUY', pct_change_24h_before: 0.1 + i / 1000, RSI_14: 75, BB_pos: 0.95 },
      })),
    );
    await t.services.digests.build({ userId, firstDay: week.firstDay, trigger: 'request' });
    const digest = (
      await client.request({ method: 'GET', url: '/api/digests/weekly/latest' })
    ).json<DigestDto>();
    expect(digest.payload).toMatchObject({ trades: 36, personalisedRules: ['fomo'] });
    const rules = (await client.request({ method: 'GET', url: '/api/rules' })).json<{ items: RuleDto[] }>()
      .items;
    expect(rules.find((r) => r.kind === 'fomo')).toMatchObject({
      provenance: { source: 'personalised', trades: 36 },
    });
  });
});
