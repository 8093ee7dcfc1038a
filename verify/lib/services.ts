import { execSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { Redis } from 'ioredis';
import { sleep, waitFor } from './processes';

/**
 * The machine's Redis and PostgreSQL, which the reliability suite stops and starts. Whatever
 * happens (a failed check, an exception, Ctrl-C), `restoreServices` brings both back: it runs
 * after every fault, at the end of the run, and from the process's exit and signal handlers.
 *
 * Defaults are the services CI uses (127.0.0.1:6379, the `main` cluster on 127.0.0.1:5432).
 * `VERIFY_REDIS_PORT`, `VERIFY_PG_START` and `VERIFY_PG_STOP` point the suite at other instances.
 */
export const REDIS_PORT = Number(process.env.VERIFY_REDIS_PORT ?? 6379);
export const REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`;
export const POSTGRES_ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const pgCluster = () => `--skip-systemctl-redirect ${readdirSync('/etc/postgresql')[0]} main`;
const PG_START = process.env.VERIFY_PG_START ?? `pg_ctlcluster ${pgCluster()} start`;
const PG_STOP = process.env.VERIFY_PG_STOP ?? `pg_ctlcluster ${pgCluster()} stop -m fast`;
const REDIS_START = `redis-server --daemonize yes --bind 127.0.0.1 --port ${REDIS_PORT} --save "" --appendonly no`;
const REDIS_STOP = `redis-cli -h 127.0.0.1 -p ${REDIS_PORT} shutdown nosave`;

function run(command: string): void {
  execSync(command, { stdio: 'ignore', timeout: 60_000 });
}

function redisUp(): boolean {
  try {
    execSync(`redis-cli -h 127.0.0.1 -p ${REDIS_PORT} ping`, { stdio: 'pipe', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

function postgresUp(): boolean {
  const { hostname, port } = new URL(POSTGRES_ADMIN_URL);
  try {
    execSync(`pg_isready -q -h ${hostname} -p ${port || 5432}`, { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisAnswers(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** Synchronous so that it can also run from an `exit` handler. */
export function restoreServicesSync(): void {
  if (!redisUp()) {
    try {
      run(REDIS_START);
    } catch (error) {
      process.stderr.write(`could not restart Redis: ${(error as Error).message}\n`);
    }
  }
  if (!postgresUp()) {
    try {
      run(PG_START);
    } catch (error) {
      process.stderr.write(`could not restart PostgreSQL: ${(error as Error).message}\n`);
    }
  }
}

export async function restoreServices(): Promise<void> {
  restoreServicesSync();
  await waitFor('Redis to answer', redisAnswers, 30_000, 200);
  await waitFor('PostgreSQL to answer', postgresAnswers, 60_000, 200);
}

/** Stops Redis (no save: its data is gone, as after a crash of a cache-only Redis), waits, starts it. */
export async function restartRedis(downMs: number): Promise<{ downMs: number }> {
  const started = Date.now();
  try {
    run(REDIS_STOP);
    await waitFor('Redis to stop', async () => !redisUp(), 10_000, 100);
    await sleep(downMs);
  } finally {
    await restoreServices();
  }
  return { downMs: Date.now() - started };
}

/** Stops PostgreSQL (fast shutdown: every open connection is cut), waits, starts it. */
export async function restartPostgres(downMs: number): Promise<{ downMs: number }> {
  const started = Date.now();
  try {
    run(PG_STOP);
    await waitFor('PostgreSQL to stop', async () => !postgresUp(), 30_000, 100);
    await sleep(downMs);
  } finally {
    await restoreServices();
  }
  return { downMs: Date.now() - started };
}

let guarded = false;

/** Brings the services back on every way out of the process, then re-raises signals. */
export function guardServices(onExit: () => void): void {
  if (guarded) return;
  guarded = true;
  process.on('exit', () => {
    onExit();
    restoreServicesSync();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      onExit();
      restoreServicesSync();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (error) => {
    process.stderr.write(`uncaught: ${error.stack ?? error.message}\n`);
    onExit();
    restoreServicesSync();
    process.exit(1);
  });
}

/** Removes every key of a run's Redis namespace (queues, cache, rate limits). */
export async function deleteRedisNamespace(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
