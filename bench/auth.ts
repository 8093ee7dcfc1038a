/**
 * Sign-in and session look-up latency on a real listening BFF (production Argon2id parameters, all
 * security plugins on), twice: on the embedded drivers (PGlite on disk in a temp DATA_DIR, memory
 * cache) and on the scaled ones (a PostgreSQL database made for the run, Redis), when reachable.
 * Clients connect from their own loopback addresses (127.0.x.10 and up), as separate people
 * would, so the per-IP limits stay in force without being the thing measured.
 *
 *   login: USERS accounts sign in LOGINS_PER_USER times each, on a fixed schedule of LOGIN_RPS.
 *   me:    GET /api/auth/me at ME_RPS for ME_SECONDS, spread over the signed-in accounts.
 *
 * Latency counts from each request's scheduled start (no coordinated omission). The load is
 * bounded in count and time and stops by itself. Prints one JSON object and writes it to
 * bench/results/auth.json.
 *
 *   npx tsx bench/auth.ts
 */
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { loadConfig } from '../apps/bff/src/config/config';
import { createLogger } from '../apps/bff/src/logger';
import { startProcess } from '../apps/bff/src/server';
import { PRODUCTION_ARGON2 } from '../apps/bff/src/modules/auth';

const USERS = Number(process.env.AUTH_BENCH_USERS ?? 30);
const LOGINS_PER_USER = Number(process.env.AUTH_BENCH_LOGINS_PER_USER ?? 8);
const LOGIN_RPS = Number(process.env.AUTH_BENCH_LOGIN_RPS ?? 10);
const ME_RPS = Number(process.env.AUTH_BENCH_ME_RPS ?? 200);
const ME_SECONDS = Number(process.env.AUTH_BENCH_ME_SECONDS ?? 10);
const DEADLINE_MS = 120_000;
const PASSWORD = 'correct horse battery staple';
const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// Its own Redis namespace, so the bench never touches a running instance's keys.
const REDIS_PREFIX = 'tt-bench-auth';

interface Reply {
  status: number;
  body: string;
  setCookies: string[];
}

/** One person: their own loopback address, keep-alive connections and cookie jar. */
class Client {
  private readonly agent: http.Agent;
  private readonly jar = new Map<string, string>();
  csrf = '';

  constructor(
    private readonly port: number,
    readonly address: string,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  }

  request(method: string, path: string, body?: unknown): Promise<Reply> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { 'user-agent': 'tt-bench/1' };
    if (this.jar.size > 0) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET') headers['x-csrf-token'] = this.csrf;
    if (payload !== undefined) headers['content-type'] = 'application/json';
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          headers,
          agent: this.agent,
          localAddress: this.address,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const setCookies = res.headers['set-cookie'] ?? [];
            for (const line of setCookies) {
              const [pair] = line.split(';');
              const [name, value] = (pair ?? '').split('=');
              if (name && value) this.jar.set(name, value);
              else if (name) this.jar.delete(name);
            }
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              setCookies,
            });
          });
        },
      );
      req.on('error', reject);
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      req.end(payload);
    });
  }

  close() {
    this.agent.destroy();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function summary(latencies: number[], statuses: number[], elapsedMs: number) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) =>
    Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN).toFixed(2));
  return {
    requests: latencies.length,
    non2xx: statuses.filter((s) => s < 200 || s >= 300).length,
    achievedRps: Number(((latencies.length / elapsedMs) * 1000).toFixed(1)),
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    maxMs: Number((sorted.at(-1) ?? NaN).toFixed(2)),
  };
}

/** Fires `count` requests at a fixed rate; each latency is measured from its scheduled start. */
async function fixedSchedule(count: number, rps: number, send: (i: number) => Promise<Reply>) {
  const latencies: number[] = [];
  const statuses: number[] = [];
  const interval = 1000 / rps;
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const scheduled = start + i * interval;
    if (scheduled - start > DEADLINE_MS) break;
    const wait = scheduled - performance.now();
    if (wait > 1) await sleep(wait);
    inFlight.push(
      send(i).then(
        (reply) => {
          latencies.push(performance.now() - scheduled);
          statuses.push(reply.status);
        },
        () => {
          latencies.push(performance.now() - scheduled);
          statuses.push(0);
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return summary(latencies, statuses, performance.now() - start);
}

interface Scenario {
  env: Record<string, string>;
  /** First three octets of the clients' loopback addresses. */
  subnet: string;
  emailPrefix: string;
}

async function runScenario(scenario: Scenario) {
  const dataDir = await mkdtemp(join(tmpdir(), 'tt-bench-auth-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'silent',
    BROKER_SANDBOX: '0',
    ...scenario.env,
  });
  const running = await startProcess(config, 'bff', createLogger('silent'));
  const port = Number(new URL(running.url!).port);
  const clients = Array.from({ length: USERS }, (_, i) => new Client(port, `${scenario.subnet}.${10 + i}`));
  const email = (i: number) => `${scenario.emailPrefix}-${i % USERS}@example.com`;
  try {
    for (const [i, client] of clients.entries()) {
      client.csrf = JSON.parse((await client.request('GET', '/api/auth/csrf')).body).token;
      const signup = await client.request('POST', '/api/auth/signup', {
        email: email(i),
        password: PASSWORD,
      });
      if (signup.status !== 201) throw new Error(`signup answered ${signup.status}: ${signup.body}`);
    }
    const login = await fixedSchedule(USERS * LOGINS_PER_USER, LOGIN_RPS, (i) =>
      clients[i % USERS]!.request('POST', '/api/auth/login', { email: email(i), password: PASSWORD }),
    );
    for (let i = 0; i < 100; i++) await clients[i % USERS]!.request('GET', '/api/auth/me');
    const me = await fixedSchedule(ME_RPS * ME_SECONDS, ME_RPS, (i) =>
      clients[i % USERS]!.request('GET', '/api/auth/me'),
    );
    return {
      drivers: running.platform.drivers,
      login: { ...login, targetRps: LOGIN_RPS, users: USERS },
      me: { ...me, targetRps: ME_RPS, seconds: ME_SECONDS, users: USERS },
    };
  } finally {
    for (const client of clients) client.close();
    await running.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Deletes the bench's own keys (its REDIS_PREFIX), nothing else. */
async function clearNamespace(redis: Redis) {
  const keys = await redis.keys(`${REDIS_PREFIX}:*`);
  if (keys.length > 0) await redis.del(...keys);
}

/** The scaled drivers on a database made for this run (dropped after); `skipped` when PostgreSQL or Redis is not there. */
async function runScaled(runId: string) {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await admin.connect();
    await redis.connect();
  } catch (error) {
    await admin.end().catch(() => undefined);
    redis.disconnect();
    return { skipped: `PostgreSQL or Redis not reachable: ${(error as Error).message}` };
  }
  const dbName = `tt_bench_auth_${runId}`;
  try {
    // Counters of an earlier run within the minute would refuse these bench addresses.
    await clearNamespace(redis);
    await admin.query(`create database ${dbName}`);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${dbName}`;
    return await runScenario({
      env: { DATABASE_URL: url.toString(), REDIS_URL, REDIS_PREFIX },
      subnet: '127.0.1',
      emailPrefix: `bench-${runId}`,
    });
  } finally {
    await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
    await admin.end();
    await clearNamespace(redis).catch(() => undefined);
    redis.disconnect();
  }
}

async function main() {
  const runId = randomBytes(4).toString('hex');
  const embedded = await runScenario({ env: {}, subnet: '127.0.0', emailPrefix: 'bench' });
  const scaled = await runScaled(runId);
  const result = {
    bench: 'auth',
    at: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    // Other processes on the machine share its two cores; a high load average inflates every figure.
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
    argon2id: PRODUCTION_ARGON2,
    embedded,
    scaled,
  };
  console.log(JSON.stringify(result));
  const out = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'auth.json'), `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
