import { randomBytes } from 'node:crypto';
import {
  createTestClient,
  mutationHeaders,
  signUpAndLogIn,
  type TestClient,
} from '../../apps/bff/src/modules/auth/auth.test-support';
import { connectSandboxCoinbase, importAndWait } from '../../apps/bff/src/test-support/sandbox-broker';
import { waitFor } from '../lib/processes';
import type { AppUnderTest } from './app-under-test';
import { connectBinance } from './flows';

/** A signed-in trader and everything of theirs a route can name. */
export interface Trader {
  client: TestClient;
  userId: string;
  email: string;
  password: string;
  /** The raw session token (cookie value): a secret the scans look for. */
  sessionToken: string;
  sessionId: string;
  /** Made-up client address of this trader's requests: the scans look for it in clear. */
  ip: string;
  tradeId: string | undefined;
  importId: string | undefined;
  auditId: string | undefined;
  simulationId: string | undefined;
  digestId: string | undefined;
}

let ipCounter = 0;
/** Every client address handed out: the secret scan looks for each of them in clear. */
export const issuedIps = new Set<string>();
/** TEST-NET-2/3 addresses, a new one per caller, so per-IP rate limits never couple callers. */
export function nextIp(): string {
  const n = ipCounter++;
  const ip = `${n % 2 === 0 ? '198.51.100' : '203.0.113'}.${(Math.floor(n / 2) % 250) + 2}`;
  issuedIps.add(ip);
  return ip;
}

export async function newTrader(
  aut: AppUnderTest,
  password = `pw-${randomBytes(9).toString('base64url')}-Aa1!`,
): Promise<Trader> {
  const ip = nextIp();
  const { client, userId, email } = await signUpAndLogIn(aut.app, { password, remoteAddress: ip });
  const sessions = (await client.request({ method: 'GET', url: '/api/auth/sessions' })).json() as {
    items: { id: string; current?: boolean }[];
  };
  return {
    client,
    userId,
    email,
    password,
    sessionToken: client.cookies.get('__Host-tt_session')!,
    sessionId: (sessions.items.find((s) => s.current) ?? sessions.items[0])!.id,
    ip,
    tradeId: undefined,
    importId: undefined,
    auditId: undefined,
    simulationId: undefined,
    digestId: undefined,
  };
}

/** An anonymous browser: no session, but its own CSRF token (so CSRF is not what refuses it). */
export function anonymous(aut: AppUnderTest): TestClient {
  return createTestClient(aut.app, { remoteAddress: nextIp() });
}

/**
 * The owner of the data the matrices aim at: connected to Coinbase (OAuth through the sandbox's
 * consent page) and Binance (an API key with an `sbx_sk_` secret), with an imported, tagged
 * history, an audit trail, a simulation and a weekly digest.
 */
export async function tradingOwner(aut: AppUnderTest, binanceSecret: string): Promise<Trader> {
  const owner = await newTrader(aut);
  const { client } = owner;
  await connectSandboxCoinbase(client, 'demo');
  await connectBinance(aut.sandbox, client, binanceSecret);
  const run = await importAndWait(client, 240_000);
  if (run.status !== 'succeeded')
    throw new Error(`owner import ended ${String(run.status)}: ${String(run.error)}`);
  owner.importId = String(run.id);
  // A trade old enough for a three-day horizon to have passed, so that its simulation can be computed.
  const until = new Date(Date.now() - 7 * 86_400_000).toISOString();
  const trades = (
    await client.request({ method: 'GET', url: `/api/trades?limit=5&until=${until}` })
  ).json() as {
    items: { id: string }[];
  };
  owner.tradeId = trades.items[0]?.id;
  const audit = (await client.request({ method: 'GET', url: '/api/audit' })).json() as {
    items: { id: string }[];
  };
  owner.auditId = audit.items[0]?.id;
  const simulation = await client.request({
    method: 'POST',
    url: '/api/simulations/simple',
    headers: await mutationHeaders(client),
    payload: { tradeId: owner.tradeId, horizonDays: 3 },
  });
  owner.simulationId = (simulation.json() as { id?: string }).id;
  if (!owner.simulationId)
    throw new Error(`simulation answered ${simulation.statusCode}: ${simulation.body}`);
  const digest = await client.request({
    method: 'POST',
    url: '/api/digests/weekly',
    headers: await mutationHeaders(client),
    payload: {},
  });
  if (digest.statusCode === 202) {
    await waitFor(
      'the weekly digest',
      async () =>
        (await client.request({ method: 'GET', url: '/api/digests/weekly/latest' })).statusCode === 200,
      60_000,
      200,
    ).catch(() => undefined);
    const list = (await client.request({ method: 'GET', url: '/api/digests' })).json() as {
      items?: { id: string }[];
    };
    owner.digestId = list.items?.[0]?.id;
  }
  return owner;
}
