import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationAccepted, SimulationResult } from '@tt/shared';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import { mutationHeaders, signUpAndLogIn, type TestClient } from '../auth/auth.test-support';
import { waitFor } from '../../infra/jobs/jobs.test-support';
import { createSimulationsService } from './simulations.service';
import { HOUR, seedCandles, seedFills, seedTags } from './trading-seed.test-support';

const T0 = Date.parse('2026-01-05T10:00:00Z');

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

let address = 10;
async function trader() {
  return signUpAndLogIn(t.app, { remoteAddress: `198.51.100.${address++}` });
}

/** Buy 2 BTC at 100 (0.1 % fee), sell 0.5 at 110 and 1 at 90; 0.5 stays open. Prices reach 120 at T0 + 48 h and stop at T0 + 78 h. */
async function seedPartialExits(userId: string) {
  const ids = await seedFills(t, userId, [
    { extId: 'b', side: 'BUY', qty: '2', price: '100', fee: '0.2', at: T0 },
    { extId: 's1', side: 'SELL', qty: '0.5', price: '110', fee: '0.055', at: T0 + 5 * HOUR },
    { extId: 's2', side: 'SELL', qty: '1', price: '90', fee: '0.09', at: T0 + 30 * HOUR },
  ]);
  await seedCandles(t, {
    fromMs: T0 - 2 * HOUR,
    hours: 80,
    close: (open) => (open + HOUR >= T0 + 48 * HOUR ? 120 : 100),
  });
  await seedTags(t, userId, [
    { tradeId: ids.get('b')!, label: 'FOMO', confidence: 0.9 },
    { tradeId: ids.get('b')!, label: 'OVERTRADING', confidence: 0.4 },
    { tradeId: ids.get('s2')!, label: 'PANIC' },
  ]);
  return ids;
}

const simulate = async (client: TestClient, payload: object) =>
  client.request({
    method: 'POST',
    url: '/api/simulations/simple',
    headers: await mutationHeaders(client),
    payload,
  });

describe('POST /api/simulations/simple', () => {
  it('answers the three counterfactuals of a trade with hand-checked numbers, then serves them from the cache', async () => {
    const { client, userId } = await trader();
    const ids = await seedPartialExits(userId);

    const first = await simulate(client, { tradeId: ids.get('b'), horizonDays: 2 });
    expect(first.statusCode).toBe(200);
    const body = first.json<SimulationResult>();
    expect(body).toMatchObject({
      request: {
        tradeId: ids.get('b'),
        symbol: 'BTC-USD',
        horizonDays: 2,
        pullbackPct: 0.02,
        skipLabel: 'FOMO',
      },
      quoteCurrency: 'USD',
      trades: 3,
      excludedPositions: 0,
      cached: false,
    });
    const [hold, wait, skip] = body.scenarios;
    expect(hold).toMatchObject({
      kind: 'holdVsActual',
      actualPnl: '4.595',
      counterfactualPnl: '39.56',
      difference: '34.965',
    });
    expect(wait).toMatchObject({ kind: 'waitThenEnter', counterfactualPnl: '0' });
    expect(wait!.explanation).toMatch(/never fell 2 %/);
    // The FOMO buy opened all three lots: without them the period's closed P&L (4.895 − 10.19) is gone.
    expect(skip).toMatchObject({
      kind: 'skipLabel',
      actualPnl: '-5.295',
      counterfactualPnl: '0',
      difference: '5.295',
    });
    expect(hold!.series.length).toBe(49);

    const again = await simulate(client, { tradeId: ids.get('b'), horizonDays: 2 });
    expect(again.json()).toMatchObject({ id: body.id, cached: true, scenarios: body.scenarios });
    const byId = await client.request({ method: 'GET', url: `/api/simulations/${body.id}` });
    expect(byId.json()).toMatchObject({ id: body.id, cached: true });

    // Any change of the user's trades invalidates the cache.
    await seedFills(t, userId, [
      { extId: 'b2', side: 'BUY', qty: '1', price: '100', fee: '0', at: T0 + 60 * HOUR },
    ]);
    const fresh = await simulate(client, { tradeId: ids.get('b'), horizonDays: 2 });
    expect(fresh.json()).toMatchObject({ cached: false });
  });

  it('answers a 422 naming horizonDays when no price reaches the end of the horizon', async () => {
    const { client, userId } = await trader();
    const ids = await seedPartialExits(userId);
    const response = await simulate(client, { tradeId: ids.get('b'), horizonDays: 4 });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ code: 'SIMULATIONS.HORIZON_NOT_AVAILABLE', status: 422 });
    expect(problem.detail).toMatch(
      /horizonDays 4 ends at 2026-01-09T10:00:00.000Z, but the stored prices for BTC-USD stop at 2026-01-08T16:00:00.000Z/,
    );
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'body.horizonDays' })]);
  });

  it('simulates a symbol as a whole, leaving out positions whose horizon has not passed', async () => {
    const { client, userId } = await trader();
    await seedPartialExits(userId);
    // A second buy 70 h in: its two-day horizon lies beyond the prices.
    await seedFills(t, userId, [
      { extId: 'late', side: 'BUY', qty: '1', price: '120', fee: '0', at: T0 + 70 * HOUR },
    ]);
    const response = await simulate(client, { symbol: 'btc-usd', horizonDays: 2 });
    expect(response.statusCode).toBe(200);
    const body = response.json<SimulationResult>();
    expect(body).toMatchObject({
      request: { tradeId: null, symbol: 'BTC-USD', skipLabel: 'PANIC' },
      excludedPositions: 1,
    });
    expect(body.scenarios[0]).toMatchObject({ counterfactualPnl: '39.56', positions: 3 });
    // PANIC cost most: only the lot sold at 90 (−10.19) carries it.
    expect(body.scenarios[2]).toMatchObject({ actualPnl: '-5.295', counterfactualPnl: '4.895' });
  });

  it('refuses what it cannot simulate: unknown trades, no positions, bad input', async () => {
    const { client } = await trader();
    expect(
      (await simulate(client, { tradeId: '00000000-0000-4000-8000-000000000000', horizonDays: 2 }))
        .statusCode,
    ).toBe(404);
    expect((await simulate(client, { symbol: 'ETH-USD', horizonDays: 2 })).json()).toMatchObject({
      code: 'SIMULATIONS.NOTHING_TO_SIMULATE',
    });
    const invalid = await simulate(client, { symbol: 'ETH-USD', horizonDays: 45 });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().errors[0].field).toBe('body.horizonDays');
    expect((await simulate(client, { horizonDays: 2 })).statusCode).toBe(400);
  });

  it('allows 10 simulations a minute per user', async () => {
    const { client } = await trader();
    const answers = [];
    for (let i = 0; i < 11; i++)
      answers.push((await simulate(client, { symbol: 'ETH-USD', horizonDays: 2 })).statusCode);
    expect(answers.slice(0, 10).every((s) => s === 422)).toBe(true);
    expect(answers[10]).toBe(429);
  });

  it('runs a large symbol-wide simulation in q_sim: 202, then the result at the poll URL', async () => {
    const { client, userId } = await trader();
    await seedPartialExits(userId);
    const service = createSimulationsService({
      db: t.platform.database.db,
      marketData: t.services.marketData,
      jobs: t.platform.jobs,
      simulateJob: () => t.services.jobDefinitions.find((d) => d.name === 'simulate.simple')!,
      syncLotLimit: 1,
    });
    const queued = await service.simulate(userId, { symbol: 'BTC-USD', horizonDays: 2 });
    expect(queued.status).toBe(202);
    const accepted = queued.body as SimulationAccepted;
    expect(accepted.pollUrl).toBe(`/api/simulations/${accepted.id}`);
    let polled = await client.request({ method: 'GET', url: accepted.pollUrl });
    await waitFor('the queued simulation', async () => {
      polled = await client.request({ method: 'GET', url: accepted.pollUrl });
      return polled.statusCode !== 202;
    });
    expect(polled.statusCode).toBe(200);
    expect(polled.json()).toMatchObject({
      id: accepted.id,
      scenarios: [{ counterfactualPnl: '39.56' }, {}, {}],
    });
    const other = await trader();
    expect((await other.client.request({ method: 'GET', url: accepted.pollUrl })).statusCode).toBe(404);
  });
});
