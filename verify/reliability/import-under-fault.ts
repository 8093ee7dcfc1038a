import type { SandboxAccount } from '@tt/broker-sandbox';
import { createHttpClient, signUpWith } from '../../apps/bff/src/test-support/http-client';
import { connectSandboxCoinbase, countSandboxSpotFills } from '../../apps/bff/src/test-support/sandbox-broker';
import { mutationHeaders, type TestClient } from '../../apps/bff/src/modules/auth/auth.test-support';
import { CoachClient, storedEvents } from '../lib/coach-client';
import { sleep, waitFor } from '../lib/processes';
import type { Section } from '../lib/report';
import type { Deployment } from './deployment';
import { unfinishedWork, type Inspector } from './inspector';

export type ImportRun = Record<string, unknown> & { status?: string; phase?: string };

/** What a scenario hands to its fault: the deployment and a way to read the import's progress. */
export interface FaultContext {
  deployment: Deployment;
  importId: string;
  poll(): Promise<ImportRun>;
  /** Resolves once the run is in one of `phases` (or past `fetched` fills). */
  until(condition: (run: ImportRun) => boolean, timeoutMs?: number): Promise<ImportRun>;
}

export interface ImportUnderFaultOptions {
  account?: SandboxAccount;
  /** Set up before the import starts (sandbox faults). */
  before?: (deployment: Deployment) => void | Promise<void>;
  /** Runs while the import is in flight; its result is kept as the fault's figures. */
  fault?: (context: FaultContext) => Promise<Record<string, unknown> | void>;
  /** How the import may end; default `succeeded`. */
  expectStatus?: ('succeeded' | 'failed')[];
  /** Dead letters this scenario may leave (permanent errors it provokes on purpose). */
  allowDeadLetter?: (error: string) => boolean;
  timeoutMs?: number;
}

export interface ImportOutcome {
  run: ImportRun;
  client: TestClient;
  userId: string;
  cookie: string;
  expectedFills: number;
}

async function pollRun(client: TestClient, importId: string): Promise<ImportRun> {
  // The server may be the process that was just killed: an unanswered poll is not an answer.
  return client
    .request({ method: 'GET', url: `/api/imports/${importId}` })
    .then((res) => (res.statusCode === 200 ? (res.json() as ImportRun) : {}))
    .catch(() => ({}));
}

async function allTrades(client: TestClient) {
  const stored: { id: string; extId: string; labels: unknown[] }[] = [];
  let cursor: string | null = null;
  do {
    const res = await client.request({
      method: 'GET',
      url: `/api/trades?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    });
    if (res.statusCode !== 200) throw new Error(`GET /api/trades answered ${res.statusCode}: ${res.body}`);
    const page = res.json() as { items: typeof stored; nextCursor: string | null };
    stored.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return stored;
}

export const cookieOf = (client: TestClient) => [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/**
 * One trader imports while a fault happens, then every invariant of DESIGN.md §5a is checked:
 * every fill the exchange holds is stored exactly once (counted independently, from the wire),
 * every trade is tagged, nothing is left waiting or running in any queue, dead letters only for
 * permanent errors, and the trader's coach socket ends up with every event the server stored.
 */
export async function importUnderFault(
  deployment: Deployment,
  section: Section,
  options: ImportUnderFaultOptions = {},
): Promise<ImportOutcome> {
  const account = options.account ?? 'demo';
  const client = createHttpClient(deployment.base);
  const { userId } = await signUpWith(client);
  await connectSandboxCoinbase(client, account);
  const cookie = cookieOf(client);
  const socket = new CoachClient({ base: deployment.base, cookie, origin: deployment.origin, lastEventId: 0 });
  await socket.start();
  try {
    return await runAndCheck(deployment, section, options, { account, client, userId, cookie, socket });
  } finally {
    await socket.stop();
  }
}

async function runAndCheck(
  deployment: Deployment,
  section: Section,
  options: ImportUnderFaultOptions,
  trader: { account: SandboxAccount; client: TestClient; userId: string; cookie: string; socket: CoachClient },
): Promise<ImportOutcome> {
  const { account, client, userId, cookie, socket } = trader;
  const deadBefore = deployment.mode === 'scaled' ? await countDead(deployment) : 0;

  await options.before?.(deployment);
  const started = performance.now();
  const accepted = await client.request({
    method: 'POST',
    url: '/api/trades/import',
    headers: await mutationHeaders(client),
    payload: {},
  });
  if (accepted.statusCode !== 202) throw new Error(`import answered ${accepted.statusCode}: ${accepted.body}`);
  const { importId } = accepted.json() as { importId: string };
  const context: FaultContext = {
    deployment,
    importId,
    poll: () => pollRun(client, importId),
    async until(condition, timeoutMs = 120_000) {
      let last: ImportRun = {};
      await waitFor(
        'the import to reach the fault point',
        async () => condition((last = await pollRun(client, importId))),
        timeoutMs,
        50,
      );
      return last;
    },
  };
  const faultFigures = options.fault ? await options.fault(context) : undefined;
  const faultEndedAt = performance.now();
  const run = await context.until(
    (r) => r.status === 'succeeded' || r.status === 'failed',
    options.timeoutMs ?? 240_000,
  );
  const finishedAt = performance.now();
  // What a client does after connectivity trouble: ask for everything after the last id it saw.
  socket.resume();

  const expectStatus = options.expectStatus ?? ['succeeded'];
  section.check(`import ends ${expectStatus.join(' or ')}`, expectStatus.includes(run.status as 'succeeded'), {
    status: run.status,
    phase: run.phase,
    error: run.error,
  });
  const expectedFills = await countSandboxSpotFills(deployment.sandbox.url, account, new Date(String(run.since)));
  const stored = await allTrades(client);
  section.equal('every fill stored (count = independent count from the exchange)', stored.length, expectedFills);
  section.equal('no fill stored twice (distinct fill ids)', new Set(stored.map((t) => t.extId)).size, stored.length);
  if (run.status === 'succeeded') {
    section.equal('every trade tagged', stored.filter((t) => t.labels.length === 0).length, 0);
    section.equal('run counts every fill as inserted once', run.inserted, expectedFills);
  }

  const inspector = await deployment.inspect();
  try {
    await checkStores(section, inspector, userId, expectedFills, run.status === 'succeeded');
    await checkQueues(section, inspector, userId, deadBefore, options.allowDeadLetter);
  } finally {
    await inspector.close();
  }
  if (deployment.mode === 'embedded') {
    deployment.bff.restart();
    await deployment.waitReady();
  }

  await checkEvents(section, deployment, socket, cookie, stored, run.status === 'succeeded');
  section.figure('fills', expectedFills);
  section.figure('importSeconds', Math.round(finishedAt - started) / 1000);
  section.figure('completedSecondsAfterFault', Math.round(finishedAt - faultEndedAt) / 1000);
  section.figure('run', { status: run.status, fetched: run.fetched, inserted: run.inserted, duplicates: run.duplicates, scored: run.scored, ...(run.error ? { error: run.error } : {}) });
  if (faultFigures) section.figure('fault', faultFigures);
  return { run, client, userId, cookie, expectedFills };
}

async function countDead(deployment: Deployment): Promise<number> {
  const inspector = await deployment.inspect();
  try {
    return (await inspector.deadLetters()).length;
  } finally {
    await inspector.close();
  }
}

async function checkStores(
  section: Section,
  inspector: Inspector,
  userId: string,
  expectedFills: number,
  succeeded: boolean,
): Promise<void> {
  const counts = await inspector.trades(userId);
  section.equal('database: trades stored = fills at the exchange', counts.total, expectedFills);
  section.equal('database: one row per fill', counts.distinctFills, counts.total);
  if (succeeded) section.equal('database: no trade without a bias tag', counts.untagged, 0);
}

async function checkQueues(
  section: Section,
  inspector: Inspector,
  userId: string,
  deadBefore: number,
  allowDeadLetter: ((error: string) => boolean) | undefined,
): Promise<void> {
  // Follow-up work (personalisation after scoring) may still be finishing: give it a moment.
  let states = await inspector.queues();
  const deadline = Date.now() + 30_000;
  while (unfinishedWork(states) > 0 && Date.now() < deadline) {
    await sleep(250);
    states = await inspector.queues();
  }
  section.equal('no job stuck (waiting, running or retrying) 30 s after the import ended', unfinishedWork(states), 0);
  section.equal('no import run left queued or running', (await inspector.unfinishedRuns(userId)).length, 0);
  // Newest first: the ones this scenario added lead the list.
  const all = await inspector.deadLetters();
  const dead = all.slice(0, Math.max(0, all.length - deadBefore));
  const unexpected = dead.filter((d) => !(allowDeadLetter?.(d.error) ?? false));
  section.check('dead letters only for permanent errors', unexpected.length === 0, {
    deadLetters: dead.map((d) => ({ queue: d.queue, name: d.name, attempts: d.attempts, error: d.error })),
  });
}

async function checkEvents(
  section: Section,
  deployment: Deployment,
  socket: CoachClient,
  cookie: string,
  trades: { id: string }[],
  succeeded: boolean,
): Promise<void> {
  const stored = await storedEvents({ base: deployment.base, cookie, origin: deployment.origin }, 1);
  const lastStored = Math.max(0, ...stored.keys());
  try {
    await socket.waitForEvent(lastStored, 30_000);
  } catch {
    // Reported below as missing events.
  }
  await socket.stop();
  const missing = [...stored.keys()].filter((id) => !socket.events.has(id));
  section.check('socket recovered every stored event (reconnect with lastEventId, then resume)', missing.length === 0, {
    stored: stored.size,
    received: socket.events.size,
    missing: missing.slice(0, 20),
  });
  const dense = [...stored.keys()].every((id, i, all) => i === 0 || id === all[i - 1]! + 1);
  section.check('stored event ids are dense (1, 2, 3, …)', dense && stored.has(1));
  if (succeeded) {
    const reflected = new Set([...socket.events.values()].filter((e) => e.type === 'coach.reflect').map((e) => e.tradeId));
    section.equal('a coach.reflect reached the socket for every trade', trades.filter((t) => !reflected.has(t.id)).length, 0);
  }
  section.figure('socket', {
    events: socket.events.size,
    reconnects: socket.reconnects,
    duplicatesDropped: socket.duplicates,
    outOfOrder: socket.outOfOrder,
    syncLost: socket.syncLost,
    closeCodes: [...new Set(socket.closeCodes)],
  });
}

/** The trader imports again (after a failed run): the untagged trades of the first run get scored too. */
export async function retryImport(
  deployment: Deployment,
  outcome: ImportOutcome,
): Promise<{ status: string | undefined; untagged: number }> {
  const { client } = outcome;
  const accepted = await client.request({
    method: 'POST',
    url: '/api/trades/import',
    headers: await mutationHeaders(client),
    payload: {},
  });
  if (accepted.statusCode !== 202) throw new Error(`import answered ${accepted.statusCode}: ${accepted.body}`);
  const { importId } = accepted.json() as { importId: string };
  let run: ImportRun = {};
  await waitFor(
    'the new import to end',
    async () => {
      run = await pollRun(client, importId);
      return run.status === 'succeeded' || run.status === 'failed';
    },
    180_000,
    100,
  );
  const inspector = await deployment.inspect();
  try {
    return { status: run.status, untagged: (await inspector.trades(outcome.userId)).untagged };
  } finally {
    await inspector.close();
  }
}
