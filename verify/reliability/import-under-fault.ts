import type { SandboxAccount } from '@tt/broker-sandbox';
import { createHttpClient, signUpWith } from '../../apps/bff/src/test-support/http-client';
import {
  connectSandboxCoinbase,
  countSandboxSpotFills,
  startImport,
} from '../../apps/bff/src/test-support/sandbox-broker';
import type { TestClient } from '../../apps/bff/src/modules/auth/auth.test-support';
import { uploadCsv } from '../../apps/bff/src/test-support/csv-upload';
import { CoachClient } from '../lib/coach-client';
import { waitFor } from '../lib/processes';
import type { Section } from '../lib/report';
import type { Deployment } from './deployment';
import { checkEvents, checkQueues, checkStores, countDead } from './invariants';

export type ImportRun = Record<string, unknown> & { status?: string; phase?: string };

/** What a scenario hands to its fault: the deployment and a way to read the import's progress. */
export interface FaultContext {
  deployment: Deployment;
  importId: string;
  poll(): Promise<ImportRun>;
  /** Resolves once `condition` holds for the run. */
  until(condition: (run: ImportRun) => boolean, timeoutMs?: number, what?: string): Promise<ImportRun>;
}

export interface ImportUnderFaultOptions {
  account?: SandboxAccount;
  /** Uploads this export (no broker connection) instead of importing the account's API fills. */
  csv?: { broker: 'coinbase' | 'binance'; text: string; fills: number };
  /** The scenario's own checks once the import has ended. */
  after?: (client: TestClient, stored: StoredTrade[], section: Section) => Promise<void>;
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

export interface StoredTrade {
  id: string;
  extId: string;
  symbol: string;
  labels: unknown[];
}

async function allTrades(client: TestClient) {
  const stored: StoredTrade[] = [];
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

async function importCsv(client: TestClient, csv: NonNullable<ImportUnderFaultOptions['csv']>) {
  const res = await uploadCsv(client, csv.broker, csv.text);
  if (res.statusCode !== 202)
    throw new Error(`POST /api/imports/csv answered ${res.statusCode}: ${res.body}`);
  return (res.json() as { importId: string }).importId;
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
  if (!options.csv) await connectSandboxCoinbase(client, account);
  const cookie = cookieOf(client);
  const socket = new CoachClient({
    base: deployment.base,
    cookie,
    origin: deployment.origin,
    lastEventId: 0,
  });
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
  trader: {
    account: SandboxAccount;
    client: TestClient;
    userId: string;
    cookie: string;
    socket: CoachClient;
  },
): Promise<ImportOutcome> {
  const { account, client, userId, cookie, socket } = trader;
  const deadBefore = deployment.mode === 'scaled' ? await countDead(deployment) : 0;

  await options.before?.(deployment);
  const started = performance.now();
  const importId = options.csv ? await importCsv(client, options.csv) : await startImport(client);
  const context: FaultContext = {
    deployment,
    importId,
    poll: () => pollRun(client, importId),
    async until(condition, timeoutMs = 120_000, what = 'the import to reach the fault point') {
      let last: ImportRun = {};
      await waitFor(what, async () => condition((last = await pollRun(client, importId))), timeoutMs, 50);
      return last;
    },
  };
  const faultFigures = options.fault ? await options.fault(context) : undefined;
  const faultEndedAt = performance.now();
  const run = await context.until(
    (r) => r.status === 'succeeded' || r.status === 'failed',
    options.timeoutMs ?? 240_000,
    'the import to end',
  );
  const finishedAt = performance.now();
  // What a client does after connectivity trouble: ask for everything after the last id it saw.
  socket.resume();

  const expectStatus = options.expectStatus ?? ['succeeded'];
  section.check(
    `import ends ${expectStatus.join(' or ')}`,
    expectStatus.includes(run.status as 'succeeded'),
    {
      status: run.status,
      phase: run.phase,
      error: run.error,
    },
  );
  const expectedFills =
    options.csv?.fills ??
    (await countSandboxSpotFills(deployment.sandbox.url, account, new Date(String(run.since))));
  const stored = await allTrades(client);
  section.equal(
    'every fill stored (count = independent count from the exchange)',
    stored.length,
    expectedFills,
  );
  section.equal(
    'no fill stored twice (distinct fill ids)',
    new Set(stored.map((t) => t.extId)).size,
    stored.length,
  );
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
  await options.after?.(client, stored, section);
  section.figure('fills', expectedFills);
  section.figure('importSeconds', Math.round(finishedAt - started) / 1000);
  section.figure('completedSecondsAfterFault', Math.round(finishedAt - faultEndedAt) / 1000);
  section.figure('run', {
    status: run.status,
    fetched: run.fetched,
    inserted: run.inserted,
    duplicates: run.duplicates,
    scored: run.scored,
    ...(run.error ? { error: run.error } : {}),
  });
  if (faultFigures) section.figure('fault', faultFigures);
  return { run, client, userId, cookie, expectedFills };
}

/** The trader imports again (after a failed run): the untagged trades of the first run get scored too. */
export async function retryImport(
  deployment: Deployment,
  outcome: ImportOutcome,
): Promise<{ status: string | undefined; untagged: number }> {
  const { client } = outcome;
  const importId = await startImport(client);
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
