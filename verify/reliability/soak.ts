import type { CoachReflect } from '@tt/shared';
import { createHttpClient, signUpWith } from '../../apps/bff/src/test-support/http-client';
import { connectSandboxCoinbase, importAndWait } from '../../apps/bff/src/test-support/sandbox-broker';
import { sleep } from '../lib/processes';
import type { Section } from '../lib/report';
import { latencySummary, round, slope } from '../lib/stats';
import type { Deployment } from './deployment';
import { runAtRate, type RateRunResult } from './load-http';
import { memoryOf, tradesRequest } from './load-traffic';
import type { LoadPlatform, SeededTrader } from './load-seed';

interface Sample {
  minute: number;
  bffHeapMb: number | null;
  bffRssMb: number | null;
  workerHeapMb: number | null;
}

/**
 * A long steady run: GET /api/trades at 50 rps, coach events at 5 per second, and a full import
 * (sign-up, connect, 300 fills, scoring) every two minutes, with the BFF's and the worker's heap
 * sampled each minute. A leak shows as a heap that keeps climbing in the second half, after the
 * caches and pools have filled.
 */
export async function runSoak(
  section: Section,
  deployment: Deployment,
  load: LoadPlatform,
  traders: SeededTrader[],
  options: { minutes: number },
): Promise<void> {
  const samples: Sample[] = [];
  const minutes: RateRunResult[] = [];
  const imports: string[] = [];
  let eventsRaised = 0;
  const reflect = (k: number): CoachReflect => ({
    tradeId: `soak-${k}`,
    symbol: 'ETH-USD',
    side: 'BUY',
    tradeTs: new Date().toISOString(),
    labels: [{ name: 'FOMO', confidence: 0.6 }],
  });
  const sample = async (minute: number) => {
    const bff = await memoryOf(deployment.metricsUrl);
    const worker = deployment.workerMetricsUrl ? await memoryOf(deployment.workerMetricsUrl) : undefined;
    samples.push({
      minute,
      bffHeapMb: bff.heapUsedMb,
      bffRssMb: bff.rssMb,
      workerHeapMb: worker?.heapUsedMb ?? null,
    });
  };

  await sample(0);
  for (let minute = 1; minute <= options.minutes; minute++) {
    const events = (async () => {
      for (let k = 0; k < 300; k++) {
        await load.services.events.raise(
          traders[k % traders.length]!.userId,
          'coach.reflect',
          reflect(eventsRaised++),
        );
        await sleep(200);
      }
    })();
    const anImport =
      minute % 2 === 0
        ? (async () => {
            const client = createHttpClient(deployment.base);
            await signUpWith(client);
            await connectSandboxCoinbase(client, 'demo');
            imports.push(String((await importAndWait(client, 120_000)).status));
          })().catch((error: unknown) => {
            imports.push(`error: ${(error as Error).message}`);
          })
        : Promise.resolve();
    const [traffic] = await Promise.all([
      runAtRate({
        bases: deployment.bases,
        ratePerSecond: 50,
        durationSeconds: 60,
        next: tradesRequest(traders),
      }),
      events,
      anImport,
    ]);
    minutes.push(traffic);
    await sample(minute);
  }

  const secondHalf = samples.filter((s) => s.minute >= options.minutes / 2 && s.bffHeapMb !== null);
  const perHour = (key: 'bffHeapMb' | 'workerHeapMb') =>
    round(slope(secondHalf.map((s) => ({ x: s.minute / 60, y: s[key] ?? 0 }))));
  const requests = minutes.reduce((n, m) => n + m.requests, 0);
  const errors = minutes.reduce((n, m) => n + m.errors, 0);
  const bffGrowth = perHour('bffHeapMb');
  const workerGrowth = perHour('workerHeapMb');
  section.figure('requests', requests);
  section.figure('errors', errors);
  section.figure(
    'p95ByMinuteMs',
    minutes.map((m) => m.latencyMs.p95),
  );
  section.figure('latencyMs', latencySummary(minutes.map((m) => m.latencyMs.p95)));
  section.figure('eventsRaised', eventsRaised);
  section.figure('imports', imports);
  section.figure('heap', {
    samples,
    bffGrowthMbPerHourSecondHalf: bffGrowth,
    workerGrowthMbPerHourSecondHalf: workerGrowth,
  });
  section.equal('no request failed over the soak', errors, 0);
  section.check(
    'every import during the soak succeeded',
    imports.every((s) => s === 'succeeded'),
    imports,
  );
  // A service that leaks a few hundred bytes per request climbs tens of MB an hour at this rate.
  section.check('BFF heap flat in the second half (< 32 MB/h)', bffGrowth < 32, { bffGrowth });
  section.check('worker heap flat in the second half (< 32 MB/h)', workerGrowth < 32, { workerGrowth });
}
