import { runSection, type Section } from '../lib/report';
import { startDeployment, type Deployment } from './deployment';
import { runAtRate } from './load-http';
import { openLoadPlatform, seedTrades, type SeededTrader } from './load-seed';
import { runSockets } from './load-sockets';
import { runSoak } from './soak';
import { memoryOf, tradesRequest } from './load-traffic';

export interface LoadOptions {
  ci: boolean;
  soak: boolean;
  logDir: string;
  selected(name: string): boolean;
}

/** Blueprint §13: the API p95 alert fires above 800 ms. */
export const API_P95_BUDGET_MS = 800;

async function capacitySteps(bases: string[], traders: SeededTrader[]) {
  const steps: { rps: number; p95Ms: number; errors: number }[] = [];
  for (const rps of [100, 200, 300, 400]) {
    const step = await runAtRate({
      bases,
      ratePerSecond: rps,
      durationSeconds: 5,
      next: tradesRequest(traders),
    });
    steps.push({ rps, p95Ms: step.latencyMs.p95, errors: step.errors });
  }
  const held = steps.filter((st) => st.errors === 0 && st.p95Ms < API_P95_BUDGET_MS).map((st) => st.rps);
  return { steps, heldRps: held.length > 0 ? Math.max(...held) : 0 };
}

export async function runLoad(sections: Section[], options: LoadOptions): Promise<void> {
  let deployment: Deployment | undefined;
  let platform: Awaited<ReturnType<typeof openLoadPlatform>> | undefined;
  try {
    deployment = await startDeployment({ mode: 'scaled', logDir: options.logDir });
    platform = await openLoadPlatform(deployment);
    const seeded = { traders: [] as SeededTrader[] };
    const rps = 500;
    const seconds = options.ci ? 10 : 30;

    await runSection(
      sections,
      `load: GET /api/trades at ${rps} rps for ${seconds} s over 100,000 stored trades`,
      async (s) => {
        const { traders, seconds: seedSeconds, total } = await seedTrades(platform!, 100, 1000);
        seeded.traders = traders;
        s.figure('stored', { trades: total, traders: traders.length, biasTags: total, seedSeconds });
        // Warm-up: connections, plans and caches, as a service that has been up for a while.
        await runAtRate({
          bases: deployment!.bases,
          ratePerSecond: 100,
          durationSeconds: 2,
          next: tradesRequest(traders),
        });
        const before = await memoryOf(deployment!.metricsUrl);
        const result = await runAtRate({
          bases: deployment!.bases,
          ratePerSecond: rps,
          durationSeconds: seconds,
          next: tradesRequest(traders),
        });
        s.figure('result', result);
        s.figure('bffMemory', { before, after: await memoryOf(deployment!.metricsUrl) });
        s.equal('no request failed (every answer 200)', result.errors, 0);
        s.check(
          `p95 under the ${API_P95_BUDGET_MS} ms alert threshold`,
          result.latencyMs.p95 < API_P95_BUDGET_MS,
          result.latencyMs,
        );
        s.check('the offered rate was held (≥ 95 % of target)', result.achievedRps >= rps * 0.95, {
          achievedRps: result.achievedRps,
        });
        // Where one BFF stops keeping up: the highest step with no error and p95 inside the budget.
        if (!options.ci) s.figure('capacity', await capacitySteps(deployment!.bases, traders));
      },
    );

    const sockets = options.ci ? 200 : 1000;
    await runSection(sections, `load: ${sockets} coach sockets receiving events`, async (s) => {
      const result = await runSockets(deployment!, platform!, {
        sockets,
        eventsPerUser: options.ci ? 10 : 20,
        rate: 200,
      });
      s.figure('result', result);
      s.equal(
        'every event reached every socket of its user (a fifth reconnected mid-run)',
        result.missing,
        0,
      );
      s.equal('no event delivered twice to a socket', result.duplicates, 0);
    });

    if (options.soak) {
      await runSection(
        sections,
        'soak: 30 minutes of mixed traffic',
        (s) => runSoak(s, deployment!, platform!, seeded.traders, { minutes: 30 }),
        40 * 60_000,
      );
    }
  } catch (error) {
    await runSection(sections, 'load: deployment', async (s) => s.fail(error));
  } finally {
    await platform?.close().catch(() => undefined);
    await deployment?.close().catch(() => undefined);
  }
}
