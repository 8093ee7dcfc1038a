import pg from 'pg';
import { Redis } from 'ioredis';
import { REDIS_URL } from '../lib/services';
import type { Section } from '../lib/report';
import type { AppUnderTest } from './app-under-test';

export interface Secret {
  what: string;
  value: string;
}

/** Every table of every schema (not PostgreSQL's own), one JSON line per row; bytea comes out as hex (`\x…`). */
export async function dumpDatabase(url: string): Promise<Map<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("set bytea_output = 'hex'");
    const tables = await client.query<{ schema: string; name: string }>(
      "select table_schema as schema, table_name as name from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1, 2",
    );
    const dump = new Map<string, string>();
    for (const { schema, name } of tables.rows) {
      const rows = await client.query<{ row: string }>(
        `select row_to_json(t)::text as row from "${schema}"."${name}" t`,
      );
      dump.set(`${schema}.${name}`, rows.rows.map((r) => r.row).join('\n'));
    }
    return dump;
  } finally {
    await client.end();
  }
}

/** Every key of the deployment's Redis namespace with its value, whatever its type. */
export async function dumpRedis(prefix: string): Promise<Map<string, string>> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const dump = new Map<string, string>();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        const value =
          type === 'string'
            ? await redis.get(key)
            : type === 'hash'
              ? JSON.stringify(await redis.hgetall(key))
              : type === 'list'
                ? JSON.stringify(await redis.lrange(key, 0, -1))
                : type === 'set'
                  ? JSON.stringify(await redis.smembers(key))
                  : type === 'zset'
                    ? JSON.stringify(await redis.zrange(key, 0, -1))
                    : type === 'stream'
                      ? JSON.stringify(await redis.xrange(key, '-', '+'))
                      : '';
        dump.set(key, `${key} ${value ?? ''}`);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return dump;
}

/** The value itself and the encodings a careless store would use (base64, base64url, hex). */
function spellings(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return [value, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')].filter(
    (s) => s.length >= 8,
  );
}

function findIn(haystacks: Map<string, string>, secrets: Secret[], prefixes: string[]) {
  const hits: { where: string; what: string }[] = [];
  for (const [where, text] of haystacks) {
    for (const prefix of prefixes)
      if (text.includes(prefix)) hits.push({ where, what: `a ${prefix}… value` });
    for (const secret of secrets)
      if (spellings(secret.value).some((s) => text.includes(s))) hits.push({ where, what: secret.what });
  }
  return hits;
}

/**
 * After connecting both brokers, importing, refreshing the OAuth token and every other suite's
 * traffic: the logs (at trace level), every table of the database and every Redis key hold no
 * sandbox access token (`sbx_at_`), refresh token (`sbx_rt_`) or API secret (`sbx_sk_`), no raw
 * password, no session token and no client IP address, in clear or in a common encoding.
 */
export async function secretScan(
  section: Section,
  aut: AppUnderTest,
  secrets: Secret[],
  ips: string[],
): Promise<void> {
  const prefixes = ['sbx_at_', 'sbx_rt_', 'sbx_sk_'];
  const logs = new Map([['logs', aut.logs.join('')]]);
  const database = await dumpDatabase(aut.database.url);
  const redis = await dumpRedis(aut.redisPrefix);
  const ipSecrets = ips.map((ip) => ({ what: `client IP ${ip}`, value: ip }));
  for (const [name, haystack] of [
    ['logs', logs],
    ['database', database],
    ['redis', redis],
  ] as const) {
    const hits = findIn(haystack, [...secrets, ...ipSecrets], prefixes);
    section.check(`${name}: no token, secret, password, session token or client IP`, hits.length === 0, {
      hits: hits.slice(0, 20),
    });
  }
  section.figure('scanned', {
    logLines: aut.logs.length,
    logBytes: logs.get('logs')!.length,
    tables: database.size,
    rows: [...database.values()].reduce((n, t) => n + (t ? t.split('\n').length : 0), 0),
    redisKeys: redis.size,
    secretsLookedFor: secrets.length + ipSecrets.length + prefixes.length,
  });
  const sealed = database.get('public.broker_connections') ?? '';
  section.check(
    'broker credentials are stored (sealed), so the scan looked at real rows',
    /\\\\x[0-9a-f]{40,}/.test(sealed),
    { rows: sealed.split('\n').length },
  );
}
