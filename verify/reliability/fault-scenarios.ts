import { waitHealthy, sleep } from '../lib/processes';
import { restartPostgres, restartRedis } from '../lib/services';
import type { Section } from '../lib/report';
import { recentCoinbaseCsv, VENDOR_CSV_FILLS } from '../../apps/bff/src/test-support/csv-upload';
import type { Deployment } from './deployment';
import { importUnderFault, retryImport, type FaultContext, type ImportRun } from './import-under-fault';

export interface FaultScenario {
  name: string;
  mode: 'embedded' | 'scaled';
  /** Runs in the CI version too (all do unless marked). */
  ci: boolean;
  run(deployment: Deployment, section: Section, ci: boolean): Promise<void>;
}

/** The exchange answers every brokerage call a little late, so that an import has a "during". */
const slowExchange = (deployment: Deployment) => {
  deployment.sandbox.faults.clear();
  deployment.sandbox.faults.add({ kind: 'slow', delayMs: 300, count: 40, pathPrefix: '/api/v3/brokerage' });
};

const fetching = (run: ImportRun) => run.status === 'running' && Number(run.fetched ?? 0) > 0;
const scoring = (run: ImportRun) => run.phase === 'scoring';

async function killAndRestart(
  context: FaultContext,
  which: 'bff' | 'worker',
  at: (run: ImportRun) => boolean,
): Promise<Record<string, unknown>> {
  const seen = await context.until(at);
  const process = which === 'bff' ? context.deployment.bff : context.deployment.worker!;
  const killedAt = performance.now();
  await process.kill9();
  process.restart();
  await context.deployment.waitReady();
  return {
    killedIn: `${String(seen.phase)} (fetched ${String(seen.fetched)}, scored ${String(seen.scored)})`,
    backInMs: Math.round(performance.now() - killedAt),
  };
}

const ML_PROBLEM = /ML service|scor/i;

export const FAULT_SCENARIOS: FaultScenario[] = [
  {
    name: 'kill -9 of the embedded process mid-import',
    mode: 'embedded',
    ci: true,
    run: async (deployment, section) => {
      await importUnderFault(deployment, section, {
        before: slowExchange,
        fault: (context) => killAndRestart(context, 'bff', fetching),
      });
    },
  },
  {
    name: 'kill -9 of the scaled worker mid-import (before scoring)',
    mode: 'scaled',
    ci: true,
    run: async (deployment, section) => {
      await importUnderFault(deployment, section, {
        before: slowExchange,
        fault: (context) => killAndRestart(context, 'worker', fetching),
      });
    },
  },
  {
    name: 'kill -9 of the scaled worker while scoring',
    mode: 'scaled',
    ci: false,
    run: async (deployment, section) => {
      await importUnderFault(deployment, section, {
        fault: (context) => killAndRestart(context, 'worker', scoring),
      });
    },
  },
  {
    name: 'Redis restart mid-import (its data lost: no persistence)',
    mode: 'scaled',
    ci: true,
    run: async (deployment, section) => {
      await importUnderFault(deployment, section, {
        before: slowExchange,
        fault: async (context) => {
          const seen = await context.until(fetching);
          const outage = await restartRedis(3000);
          return { restartedIn: seen.phase, ...outage };
        },
      });
    },
  },
  {
    name: 'PostgreSQL restart mid-import (every connection cut)',
    mode: 'scaled',
    ci: true,
    run: async (deployment, section) => {
      await importUnderFault(deployment, section, {
        before: slowExchange,
        fault: async (context) => {
          const seen = await context.until(fetching);
          const outage = await restartPostgres(3000);
          return { restartedIn: seen.phase, ...outage };
        },
      });
    },
  },
  {
    name: 'ML service down during scoring, back within the retry window',
    mode: 'scaled',
    ci: true,
    run: async (deployment, section) => {
      const ml = deployment.ml!;
      await importUnderFault(deployment, section, {
        before: () => ml.kill9(),
        fault: async (context) => {
          const seen = await context.until((run) => scoring(run) || run.status === 'failed');
          await sleep(2000);
          ml.restart();
          await waitHealthy(deployment.env.ML_URL!, '/healthz');
          return { mlDownUntil: seen.phase, outcome: 'scoring retried and completed once ML was back' };
        },
      });
    },
  },
  {
    name: 'ML service down past the retry window, then a new import',
    mode: 'scaled',
    ci: false,
    run: async (deployment, section) => {
      const ml = deployment.ml!;
      const first = await importUnderFault(deployment, section, {
        before: () => ml.kill9(),
        expectStatus: ['failed', 'succeeded'],
        allowDeadLetter: (error) => ML_PROBLEM.test(error),
        fault: async (context) => {
          await context.until((run) => run.status === 'failed' || run.status === 'succeeded', 180_000);
          return { mlDown: 'until the import had ended' };
        },
      });
      section.figure(
        'outcome',
        first.run.status === 'failed' ? 'failed with a message, fills kept' : 'succeeded',
      );
      if (first.run.status === 'failed')
        section.check('the failed import says why, in words', ML_PROBLEM.test(String(first.run.error)), {
          error: first.run.error,
        });
      ml.restart();
      await waitHealthy(deployment.env.ML_URL!, '/healthz');
      const retry = await retryImport(deployment, first);
      section.equal('a new import once ML is back: succeeded', retry.status, 'succeeded');
      section.equal('a new import once ML is back: every trade tagged', retry.untagged, 0);
    },
  },
  {
    name: 'exchange 429 storm (Retry-After honoured)',
    mode: 'scaled',
    ci: true,
    run: async (deployment, section, ci) => {
      await importUnderFault(deployment, section, {
        before: (d) => {
          d.sandbox.faults.clear();
          d.sandbox.faults.add({
            kind: '429',
            count: ci ? 8 : 16,
            retryAfterSeconds: 1,
            pathPrefix: '/api/v3/brokerage',
          });
        },
      });
    },
  },
  {
    name: 'market-data vendor 429s and a 503 during a CSV import without a connection',
    mode: 'scaled',
    ci: true,
    run: async (deployment, section) => {
      await importUnderFault(deployment, section, {
        csv: {
          broker: 'coinbase',
          text: recentCoinbaseCsv(VENDOR_CSV_FILLS),
          fills: VENDOR_CSV_FILLS.length,
        },
        before: (d) => {
          d.sandbox.faults.clear();
          d.sandbox.faults.add({ kind: '429', count: 2, retryAfterSeconds: 1, pathPrefix: '/vendor' });
          d.sandbox.faults.add({ kind: '5xx', status: 503, count: 1, pathPrefix: '/vendor' });
        },
        after: async (client, stored, s) => {
          const withoutContext: string[] = [];
          for (const trade of stored) {
            const bias = (
              await client.request({ method: 'GET', url: `/api/trades/${trade.id}/bias` })
            ).json() as { items: { features: { RSI_14?: number | null } }[] };
            if (bias.items.some((tag) => tag.features.RSI_14 == null)) withoutContext.push(trade.symbol);
          }
          s.check('every trade has market context from the vendor (RSI_14)', withoutContext.length === 0, {
            withoutContext,
            trades: stored.length,
          });
          s.equal('the vendor faults were all met', deployment.sandbox.faults.list().length, 0);
        },
      });
    },
  },
  {
    name: 'exchange 5xx burst (500, 502, 503)',
    mode: 'scaled',
    ci: true,
    run: async (deployment, section) => {
      await importUnderFault(deployment, section, {
        before: (d) => {
          d.sandbox.faults.clear();
          for (const status of [500, 502, 503])
            d.sandbox.faults.add({ kind: '5xx', status, count: 3, pathPrefix: '/api/v3/brokerage' });
        },
      });
    },
  },
  {
    name: 'exchange timeouts (answers after the 15 s client timeout)',
    mode: 'scaled',
    ci: true,
    run: async (deployment, section, ci) => {
      await importUnderFault(deployment, section, {
        before: (d) => {
          d.sandbox.faults.clear();
          d.sandbox.faults.add({
            kind: 'slow',
            delayMs: 16_000,
            count: ci ? 1 : 3,
            pathPrefix: '/api/v3/brokerage',
          });
        },
      });
    },
  },
  {
    name: 'exchange drops connections',
    mode: 'scaled',
    ci: true,
    run: async (deployment, section) => {
      await importUnderFault(deployment, section, {
        before: (d) => {
          d.sandbox.faults.clear();
          d.sandbox.faults.add({ kind: 'drop', count: 6, pathPrefix: '/api/v3/brokerage' });
        },
      });
    },
  },
];
