import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { reflections } from '@tt/db';
import type { BiasTagDto, RuleDto } from '@tt/shared';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import { mutationHeaders, signUpAndLogIn, type TestClient } from '../auth/auth.test-support';
import { waitFor } from '../../infra/jobs/jobs.test-support';
import { createRulesService } from './rules.service';
import { HOUR, seedCandles, seedFills, seedTags } from '../simulations/trading-seed.test-support';

const T0 = Date.parse('2026-02-02T00:00:00Z');

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

let address = 60;
const trader = () => signUpAndLogIn(t.app, { remoteAddress: `198.51.100.${address++}` });
const post = async (client: TestClient, url: string, payload: object) =>
  client.request({ method: 'POST', url, headers: await mutationHeaders(client), payload });
const rulesOf = async (client: TestClient) =>
  (await client.request({ method: 'GET', url: '/api/rules' })).json<{ items: RuleDto[] }>().items;
const labelsOf = async (client: TestClient, tradeId: string) =>
  (await client.request({ method: 'GET', url: `/api/trades/${tradeId}/bias` }))
    .json<{ items: BiasTagDto[] }>()
    .items.map((tag) => tag.label);

describe('rules', () => {
  it('re-tags the trades in the background when a rule changes, and again when it is reset', async () => {
    const { client, userId } = await trader();
    // 300 quiet hours around 100, then a 24-hour run-up to 112: a buy at its top is FOMO by the defaults.
    await seedCandles(t, {
      fromMs: T0,
      hours: 330,
      close: (open) => {
        const i = (open - T0) / HOUR;
        return i < 276 ? 100 + (i % 2 === 0 ? 0.05 : -0.05) : 100 + (i - 275) * 0.5;
      },
    });
    const ids = await seedFills(t, userId, [
      {
        extId: 'spike-buy',
        side: 'BUY',
        qty: '1',
        price: '112',
        fee: '0',
        at: T0 + 300 * HOUR + 30 * 60_000,
      },
    ]);
    const buy = ids.get('spike-buy')!;
    const scoreJob = t.services.jobDefinitions.find((d) => d.name === 'score.bias')!;
    await t.platform.jobs.enqueue(scoreJob, { userId } as never);
    await waitFor('the first scoring', async () => (await labelsOf(client, buy)).length > 0);
    expect(await labelsOf(client, buy)).toContain('FOMO');

    const upsert = await post(client, '/api/rules/upsert', {
      kind: 'fomo',
      params: { pct24h: 0.2, rsiMin: 70, bbPosMin: 0.8 },
    });
    expect(upsert.json()).toMatchObject({
      kind: 'fomo',
      params: { pct24h: 0.2 },
      provenance: null,
      isDefault: false,
    });
    await waitFor(
      'the re-score after the rule change',
      async () => !(await labelsOf(client, buy)).includes('FOMO'),
    );

    const reset = await post(client, '/api/rules/reset', { kind: 'fomo' });
    expect(reset.json()).toMatchObject({
      kind: 'fomo',
      params: { pct24h: 0.08 },
      isDefault: true,
      provenance: { source: 'reset' },
    });
    await waitFor('the re-score after the reset', async () => (await labelsOf(client, buy)).includes('FOMO'));
  });

  it('resets a plan rule back to the default, and refuses to personalise it or to personalise below 30 trades', async () => {
    const { client } = await trader();
    await post(client, '/api/rules/upsert', { kind: 'maxTradesPerDay', params: { count: 3 } });
    const reset = await post(client, '/api/rules/reset', { kind: 'maxTradesPerDay', to: 'default' });
    expect(reset.json()).toMatchObject({ params: { count: 10 }, isDefault: true, provenance: null });
    expect((await rulesOf(client)).find((r) => r.kind === 'maxTradesPerDay')).toMatchObject({
      isDefault: true,
      updatedAt: null,
    });
    const plan = await post(client, '/api/rules/reset', { kind: 'minHoldHours', to: 'personalised' });
    expect(plan.json()).toMatchObject({ status: 422, code: 'RULES.NOT_PERSONALISABLE' });
    const few = await post(client, '/api/rules/reset', { kind: 'fomo', to: 'personalised' });
    expect(few.json()).toMatchObject({
      status: 422,
      code: 'RULES.NOT_ENOUGH_TRADES',
      detail: expect.stringMatching(/at least 30 trades; you have 0/),
    });
  });

  it('personalises the bias thresholds from 30 trades, shows where each number came from, and leaves hand-set rules alone', async () => {
    const { client, userId } = await trader();
    // A service of its own with no re-scoring behind it, so the seeded features stay as they are.
    const rules = createRulesService({ db: t.platform.database.db });
    // 40 buys whose 24 h run-ups spread evenly from 2 % to 16 %, each already scored.
    const fills = Array.from({ length: 40 }, (_, i) => ({
      extId: `buy-${i}`,
      side: 'BUY' as const,
      qty: '1',
      price: '100',
      fee: '0',
      at: T0 + i * HOUR,
    }));
    const ids = await seedFills(t, userId, fills.slice(0, 29));
    expect(await rules.personalise(userId)).toEqual([]);
    for (const [k, v] of await seedFills(t, userId, fills.slice(29))) ids.set(k, v);
    await seedTags(
      t,
      userId,
      fills.map((f, i) => ({
        tradeId: ids.get(f.extId)!,
        label: 'FOMO',
        features: { side: 'BUY', pct_change_24h_before: 0.02 + (0.14 * i) / 39, RSI_14: 72, BB_pos: 0.9 },
      })),
    );
    await rules.upsert(userId, { kind: 'panic', params: { drawdownMin: 0.1, rsiMax: 30 } });

    expect(await rules.personalise(userId)).toEqual(['fomo']);
    const fomo = (await rulesOf(client)).find((r) => r.kind === 'fomo')!;
    expect(fomo.isDefault).toBe(false);
    expect(fomo.provenance).toMatchObject({ source: 'personalised', trades: 40, minTrades: 30 });
    const pct = fomo.provenance!.source === 'personalised' ? fomo.provenance!.thresholds.pct24h! : null;
    expect(pct).toMatchObject({
      default: 0.08,
      evidenceN: 40,
      quantile: 0.9,
      lower: 0.04,
      upper: 0.2,
      feedbackDown: 0,
      value: fomo.params.pct24h,
    });
    expect(fomo.params.pct24h).toBeGreaterThan(0.08);
    expect((await rulesOf(client)).find((r) => r.kind === 'panic')).toMatchObject({
      params: { drawdownMin: 0.1, rsiMax: 30 },
      provenance: null,
    });

    // Thumbs down on FOMO reflections push the threshold further; the votes stay counted after the
    // reflections themselves are replaced by a re-score.
    const db = t.platform.database.db;
    await db.insert(reflections).values(
      fills.slice(0, 6).map((f) => ({
        userId,
        tradeId: ids.get(f.extId)!,
        label: 'FOMO',
        tone: 'supportive',
        text: 'x',
        source: 'scoring',
        feedback: 'down',
      })),
    );
    expect(await rules.personalise(userId)).toEqual(['fomo']);
    const pushed = (await rulesOf(client)).find((r) => r.kind === 'fomo')!;
    expect(pushed.params.pct24h).toBeGreaterThan(fomo.params.pct24h!);
    await db.delete(reflections).where(eq(reflections.userId, userId));
    expect(await rules.personalise(userId)).toEqual([]);
    expect((await rulesOf(client)).find((r) => r.kind === 'fomo')!.params).toEqual(pushed.params);

    // Reset to the default switches personalisation off for the kind; asking for it switches it back on.
    await rules.reset(userId, { kind: 'fomo', to: 'default' });
    expect(await rules.personalise(userId)).toEqual([]);
    const again = await rules.reset(userId, { kind: 'fomo', to: 'personalised' });
    expect(again).toMatchObject({
      params: { pct24h: pushed.params.pct24h },
      provenance: { source: 'personalised' },
    });
  });
});
