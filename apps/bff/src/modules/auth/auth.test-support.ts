import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Database } from '@tt/db';
import { SessionRevokedEventSchema, type SessionRevokedEvent } from '@tt/shared';
import type { PubSub } from '../../infra/pubsub';
import { SESSION_REVOKED_CHANNEL } from './session.service';
import type { Argon2Params } from './password.hasher';

/** Argon2id at the lowest cost the library accepts: route tests only, never a running server. */
export const FAST_TEST_ARGON2: Argon2Params = { memoryCost: 256, timeCost: 1, parallelism: 1 };

let ipSeq = 0;
/** Each scenario comes from its own address, so per-IP limits of one do not leak into another. */
export const nextTestIp = () => `192.0.2.${++ipSeq}`;

export const TEST_ORIGIN = 'http://127.0.0.1:3000';
export const TEST_PASSWORD = 'correct horse battery staple';

/** A browser-like client for `app.inject`: keeps cookies, sends the CSRF token and our Origin. */
export interface TestClient {
  readonly cookies: Map<string, string>;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Fetches the CSRF token (sets the cookie) once. */
  csrf(): Promise<string>;
}

function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

export function createTestClient(
  app: FastifyInstance,
  defaults: { remoteAddress?: string } = {},
): TestClient {
  const jar = new Map<string, string>();
  let token: string | undefined;
  const client: TestClient = {
    cookies: jar,
    async request(options) {
      const headers: Record<string, string> = { ...(options.headers as Record<string, string> | undefined) };
      if (jar.size > 0 && headers.cookie === undefined) headers.cookie = cookieHeader(jar);
      const response = await app.inject({ ...defaults, ...options, headers });
      for (const cookie of response.cookies as {
        name: string;
        value: string;
        maxAge?: number;
        expires?: Date;
      }[]) {
        const expired =
          cookie.value === '' ||
          cookie.maxAge === 0 ||
          (cookie.expires && cookie.expires.getTime() <= Date.now());
        if (expired) jar.delete(cookie.name);
        else jar.set(cookie.name, cookie.value);
      }
      return response;
    },
    async csrf() {
      if (!token) {
        const response = await client.request({ method: 'GET', url: '/api/auth/csrf' });
        token = (response.json() as { token: string }).token;
      }
      return token;
    },
  };
  return client;
}

/** Headers of a mutating request from our own page. */
export async function mutationHeaders(
  client: TestClient,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  return { origin: TEST_ORIGIN, 'x-csrf-token': await client.csrf(), ...extra };
}

/** Signs a new user up and in; the client then carries their session cookie. */
export async function signUpAndLogIn(
  app: FastifyInstance,
  options: { email?: string; password?: string; remoteAddress?: string } = {},
): Promise<{ client: TestClient; userId: string; email: string; password: string }> {
  const client = createTestClient(app, options.remoteAddress ? { remoteAddress: options.remoteAddress } : {});
  const email = options.email ?? `trader-${Math.random().toString(36).slice(2, 10)}@example.com`;
  const password = options.password ?? TEST_PASSWORD;
  const signup = await client.request({
    method: 'POST',
    url: '/api/auth/signup',
    headers: await mutationHeaders(client),
    payload: { email, password },
  });
  if (signup.statusCode !== 201) throw new Error(`signup answered ${signup.statusCode}: ${signup.body}`);
  const login = await client.request({
    method: 'POST',
    url: '/api/auth/login',
    headers: await mutationHeaders(client),
    payload: { email, password },
  });
  if (login.statusCode !== 200) throw new Error(`login answered ${login.statusCode}: ${login.body}`);
  return { client, userId: (login.json() as { id: string }).id, email, password };
}

/** Each public table's rows as JSON text, for scans that prove a value is stored nowhere. */
export async function dumpTables(db: Database): Promise<Map<string, string>> {
  const rows = async <T>(query: string) => ((await db.execute(query)) as unknown as { rows: T[] }).rows;
  const tables = await rows<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
  );
  const dump = new Map<string, string>();
  for (const { table_name } of tables) {
    const lines = await rows<{ row: string }>(`select row_to_json(t)::text as row from "${table_name}" t`);
    dump.set(table_name, lines.map((l) => l.row).join('\n'));
  }
  return dump;
}

/** Every session revocation published on `pubsub` from now on, in order (tests may empty it). */
export async function recordRevocations(pubsub: PubSub): Promise<SessionRevokedEvent[]> {
  const revoked: SessionRevokedEvent[] = [];
  await pubsub.subscribe(SESSION_REVOKED_CHANNEL, (message) =>
    revoked.push(SessionRevokedEventSchema.parse(JSON.parse(message))),
  );
  return revoked;
}
