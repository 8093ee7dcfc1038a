/**
 * Live coach push latency (issue 8): two BFF processes (`--role=bff`, scaled drivers) on one
 * PostgreSQL database and Redis, 1,000 open sockets spread over them (5 per user), and `coach.reflect`
 * events raised through CoachEventsService from this process, as the scoring worker raises them
 * when a tag commits. Measures the delay to the arrival on every socket of the user from the
 * commit (the moment the service hands the stored event to pub/sub) and from the raise call
 * (which also includes the commit itself), p50/p95/p99. Prints one JSON object; writes
 * bench/results/ws.json. Bounded: it stops itself after WS_BENCH_DEADLINE_S (default 240 s).
 *
 *   npx tsx bench/ws.ts     WS_BENCH_SOCKETS=1000 WS_BENCH_EVENTS=600 WS_BENCH_RATE=100 (events/s)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { users } from '@tt/db';
import { WS_COACH_PATH, WS_LIMITS, type CoachReflect } from '@tt/shared';
import { loadConfig } from '../apps/bff/src/config/config';
import { createLogger } from '../apps/bff/src/logger';
import { createPlatform, type Platform } from '../apps/bff/src/platform';
import { createServices } from '../apps/bff/src/modules/services';
import { createCoachEventsService } from '../apps/bff/src/modules/coach-events';
import { createTempDatabase, type TempDatabase } from '../apps/bff/src/test-support/temp-database';
import { percentile, round, writeReport } from './lib/report';
import { freePort } from '../apps/bff/src/test-support/free-port';

const SOCKETS = Number(process.env.WS_BENCH_SOCKETS ?? 1000);
const EVENTS = Number(process.env.WS_BENCH_EVENTS ?? 600);
const RATE = Number(process.env.WS_BENCH_RATE ?? 100);
const DEADLINE_S = Number(process.env.WS_BENCH_DEADLINE_S ?? 240);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ORIGIN = 'http://127.0.0.1:3000';
const SESSION_SECRET = 'bench-session-secret-0123456789abcdef';
const PER_USER = WS_LIMITS.socketsPerUser;
const USERS = Math.ceil(SOCKETS / PER_USER);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
const deadline = setTimeout(() => {
  console.error(`ws bench: deadline of ${DEADLINE_S} s passed; stopping`);
  for (const child of children) child.kill('SIGKILL');
  process.exit(2);
}, DEADLINE_S * 1000);
deadline.unref();

/** One BFF process (HTTP and sockets only, no job workers), as `npm run start:bff` runs it. */
async function startBff(database: TempDatabase, name: string): Promise<string> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `tt-ws-bench-${name}-`));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/bff/src/main.ts', '--role=bff'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      REDIS_URL,
      PUBLIC_ORIGIN: ORIGIN,
      SESSION_SECRET,
      DATA_DIR: dataDir,
      METRICS_PORT: '0',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`BFF ${name} exited with ${child.exitCode}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return base;
    if (Date.now() - started > 90_000) throw new Error(`BFF ${name} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Users inserted directly (no password sign-in is needed) with a real session each. */
async function seedUsers(
  platform: Platform,
  sessions: ReturnType<typeof createServices>['identity']['sessions'],
) {
  const rows = await platform.database.db
    .insert(users)
    .values(
      Array.from({ length: USERS }, (_, i) => ({
        email: `ws-bench-${i}@example.com`,
        passwordHash: 'bench:no-login',
      })),
    )
    .returning({ id: users.id });
  const out: { userId: string; cookie: string }[] = [];
  for (const { id } of rows) {
    const session = await sessions.create(id, { ip: '127.0.0.1', userAgent: 'ws-bench' });
    out.push({ userId: id, cookie: `__Host-tt_session=${session.token}` });
  }
  return out;
}

interface Arrival {
  tradeId: string;
  at: number;
}

function openSocket(base: string, cookie: string, onArrival: (arrival: Arrival) => void): Promise<WebSocket> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}${WS_COACH_PATH}`, {
    headers: { cookie, origin: ORIGIN },
  });
  ws.on('message', (data) => {
    const at = performance.now();
    const message = JSON.parse(String(data)) as { type: string; tradeId?: string };
    if (message.type === 'coach.reflect' && message.tradeId) onArrival({ tradeId: message.tradeId, at });
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`socket closed during set-up (${code})`)));
  });
}

const reflect = (tradeId: string): CoachReflect => ({
  tradeId,
  symbol: 'BTC-USD',
  side: 'SELL',
  tradeTs: new Date().toISOString(),
  labels: [{ name: 'PANIC', confidence: 0.72 }],
  tone: 'supportive',
  insight: 'You sold into a 6 % drop after 40 minutes. Next time, check your plan before the exit.',
});

async function main() {
  const database = await createTempDatabase('tt_ws_bench');
  cleanups.push(() => database.drop());
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL,
    SESSION_SECRET,
    PUBLIC_ORIGIN: ORIGIN,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'tt-ws-bench-raiser-')),
    LOG_LEVEL: 'error',
  });
  cleanups.push(async () => rmSync(config.dataDir, { recursive: true, force: true }));
  // This process plays the worker: it owns the schema first, then raises the events.
  const platform = await createPlatform(config, createLogger('error'));
  cleanups.unshift(() => platform.close());
  const services = createServices(platform);
  const bases = [await startBff(database, 'a'), await startBff(database, 'b')];
  const people = await seedUsers(platform, services.identity.sessions);

  const raisedAt = new Map<string, number>();
  const committedAt = new Map<string, number>();
  // The service as createServices builds it, on the platform's Redis pub/sub, which notes when each
  // event is handed over: right after its transaction committed.
  const events = createCoachEventsService({
    db: platform.database.db,
    pubsub: {
      ...platform.pubsub,
      publish: (channel, message) => {
        const { tradeId } = JSON.parse(message) as { tradeId?: string };
        if (tradeId) committedAt.set(tradeId, performance.now());
        return platform.pubsub.publish(channel, message);
      },
    },
  });
  const fromRaise: number[] = [];
  const fromCommit: number[] = [];
  let warmups = 0;
  const onArrival = ({ tradeId, at }: Arrival) => {
    if (tradeId.startsWith('warmup-')) {
      warmups += 1;
      return;
    }
    const raised = raisedAt.get(tradeId);
    const committed = committedAt.get(tradeId);
    if (raised === undefined || committed === undefined) return;
    fromRaise.push(at - raised);
    fromCommit.push(at - committed);
  };

  // Each user's sockets alternate between the two processes, so every event crosses Redis.
  const connectStarted = performance.now();
  const sockets: WebSocket[] = [];
  const plan = Array.from({ length: SOCKETS }, (_, i) => ({
    person: people[i % USERS]!,
    base: bases[i % 2]!,
  }));
  for (let i = 0; i < plan.length; i += 50) {
    const batch = plan.slice(i, i + 50);
    sockets.push(
      ...(await Promise.all(batch.map(({ person, base }) => openSocket(base, person.cookie, onArrival)))),
    );
  }
  const connectMs = performance.now() - connectStarted;
  cleanups.unshift(async () => {
    for (const ws of sockets) ws.terminate();
  });

  // Warm-up: one event per user, until it reached every socket (all subscriptions are live).
  for (const [i, person] of people.entries())
    await events.raise(person.userId, 'coach.reflect', reflect(`warmup-${i}`));
  while (warmups < SOCKETS) await new Promise((resolve) => setTimeout(resolve, 20));

  const raiseMs: number[] = [];
  const runStarted = performance.now();
  const inflight: Promise<void>[] = [];
  for (let k = 0; k < EVENTS; k++) {
    const due = runStarted + (k * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const tradeId = `bench-${k}`;
    const person = people[k % USERS]!;
    inflight.push(
      (async () => {
        const t0 = performance.now();
        raisedAt.set(tradeId, t0);
        await events.raise(person.userId, 'coach.reflect', reflect(tradeId));
        raiseMs.push(performance.now() - t0);
      })(),
    );
  }
  await Promise.all(inflight);
  const socketsPerUser = (i: number) => plan.filter((p) => p.person === people[i % USERS]).length;
  const expected = Array.from({ length: EVENTS }, (_, k) => socketsPerUser(k)).reduce((a, b) => a + b, 0);
  const settleBy = performance.now() + 10_000;
  while (fromCommit.length < expected && performance.now() < settleBy)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const runMs = performance.now() - runStarted;

  const stats = (values: number[]) => ({
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    max: round(Math.max(...values)),
  });
  const p50 = percentile(fromCommit, 50);
  writeReport('ws', {
    benchmark: 'ws',
    what: 'delay from a coach.reflect event being committed (and from CoachEventsService.raise being called) to its arrival at each socket of the user',
    bffProcesses: 2,
    drivers: { database: 'postgres', pubsub: 'redis' },
    sockets: SOCKETS,
    users: USERS,
    socketsPerUser: PER_USER,
    events: EVENTS,
    ratePerSecond: RATE,
    deliveries: fromCommit.length,
    expectedDeliveries: expected,
    missing: expected - fromCommit.length,
    fromCommitMs: stats(fromCommit),
    fromRaiseMs: stats(fromRaise),
    raiseCallMs: { p50: round(percentile(raiseMs, 50)), p95: round(percentile(raiseMs, 95)) },
    connectAllMs: Math.round(connectMs),
    runMs: Math.round(runMs),
    targetP50Ms: 50,
    meetsTarget: p50 <= 50,
    loadAverage1m: round(loadavg()[0]!, 2),
    node: process.version,
    at: new Date().toISOString(),
  });
}

/** The BFF processes first (they hold connections to the database about to be dropped), then the rest. */
async function cleanUp() {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  for (const cleanup of cleanups)
    await cleanup().catch((error: unknown) => console.error('ws bench clean-up:', error));
}

main()
  .then(cleanUp)
  .then(() => process.exit(0))
  .catch(async (error: unknown) => {
    console.error('ws bench failed:', error);
    await cleanUp();
    process.exit(1);
  });
