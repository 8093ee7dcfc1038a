/**
 * `npm run verify:reliability [-- --ci] [-- --soak] [-- --only=<text>]`
 *
 * Faults (kill -9, Redis and PostgreSQL restarts, the ML service down, exchange 429s, 5xx,
 * timeouts and dropped connections) during real imports, each followed by the invariants; then
 * load: GET /api/trades at a fixed rate over 100,000 stored trades, 1,000 coach sockets receiving
 * events, and with `--soak` a 30-minute mixed run with heap growth. `--ci` keeps it short (10 s of
 * load, 200 sockets, the longest fault variants left out). Writes verify/results/reliability.json.
 */
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { killAllChildren } from '../lib/processes';
import { describeRunningSection, runSection, writeReport, type Section } from '../lib/report';
import { REDIS_URL, guardServices, restoreServices } from '../lib/services';
import { startDeployment, type Deployment, type Mode } from './deployment';
import { FAULT_SCENARIOS } from './fault-scenarios';
import { runLoad } from './load';

const args = process.argv.slice(2);
const ci = args.includes('--ci');
const soak = args.includes('--soak');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const selected = (name: string) =>
  !only || only.split(',').some((part) => name.toLowerCase().includes(part.trim().toLowerCase()));

/** Hard stop: the whole run never outlives this, whatever hangs. */
const DEADLINE_MS = (soak ? 60 : ci ? 20 : 30) * 60_000;

async function main(): Promise<boolean> {
  guardServices(killAllChildren);
  const deadline = setTimeout(() => {
    process.stderr.write(
      `reliability run passed its ${DEADLINE_MS / 60_000}-minute deadline (${describeRunningSection()}); stopping\n`,
    );
    killAllChildren();
    process.exit(2);
  }, DEADLINE_MS);
  deadline.unref();

  const startedAt = new Date().toISOString();
  const logDir = mkdtempSync(join(tmpdir(), 'tt-verify-logs-'));
  process.stderr.write(
    `reliability (${ci ? 'ci' : 'full'}${soak ? ' + soak' : ''}); child logs in ${logDir}\n`,
  );
  await restoreServices();
  const sections: Section[] = [];

  for (const mode of ['embedded', 'scaled'] as Mode[]) {
    const scenarios = FAULT_SCENARIOS.filter(
      (s) => s.mode === mode && (!ci || s.ci) && selected(`${mode}: ${s.name}`),
    );
    if (scenarios.length === 0) continue;
    let deployment: Deployment | undefined;
    try {
      deployment = await startDeployment({ mode, logDir });
      for (const scenario of scenarios) {
        const section = await runSection(sections, `${mode}: ${scenario.name}`, (s) =>
          scenario.run(deployment!, s, ci),
        );
        deployment.sandbox.faults.clear();
        await restoreServices();
        if (!section.pass) section.figure('logTail', tails(deployment));
        // A failed scenario may leave a process down: the next one starts from a whole deployment.
        await ensureRunning(deployment);
      }
    } catch (error) {
      await runSection(sections, `${mode}: deployment`, async (s) => {
        s.fail(error);
      });
    } finally {
      await deployment?.close().catch(() => undefined);
      await restoreServices();
    }
  }

  if (selected('load') || selected('soak')) {
    await runLoad(sections, { ci, soak, logDir, selected });
  }
  await restoreServices();

  return writeReport('reliability.json', {
    suite: 'reliability',
    mode: ci ? 'ci' : soak ? 'full+soak' : 'full',
    startedAt,
    environment: {
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      redis: REDIS_URL,
      logDir,
    },
    sections,
  });
}

function tails(deployment: Deployment): Record<string, string> {
  const out: Record<string, string> = { [deployment.bff.name]: deployment.bff.tail(15) };
  if (deployment.worker) out.worker = deployment.worker.tail(15);
  if (deployment.ml) out.ml = deployment.ml.tail(5);
  return out;
}

async function ensureRunning(deployment: Deployment): Promise<void> {
  for (const process of [deployment.ml, deployment.bff, deployment.worker]) {
    if (process && !process.alive) process.restart();
  }
  await deployment.waitReady();
}

main()
  .then((pass) => {
    killAllChildren();
    process.exit(pass ? 0 : 1);
  })
  .catch((error: unknown) => {
    process.stderr.write(`reliability run failed: ${(error as Error).stack ?? String(error)}\n`);
    killAllChildren();
    process.exit(1);
  });
