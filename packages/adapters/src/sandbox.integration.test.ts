import { startSandbox } from '@tt/broker-sandbox';
import { AppError, type RawFill, RawFillSchema } from '@tt/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Adapters, createAdapters } from './create-adapters';
import type { AdapterEvent } from './http/http.types';
import { createPkcePair, createState } from './oauth/pkce';
import { withFreshToken } from './oauth/with-fresh-token';
import { collect } from './test-support/adapters';
import { createCapturedLogger } from './test-support/fake-fetch';
import {
  consent,
  connectSandboxCoinbase,
  SANDBOX_REDIRECT_URI,
  sandboxAdaptersConfig,
} from './test-support/sandbox-oauth';
import type { ApiKeyCredentials, CredentialProvider, OAuthTokens } from './types';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

const DAY = 86_400_000;
let sandbox: Sandbox;
let adapters: Adapters;
const events: AdapterEvent[] = [];
const sleeps: number[] = [];
const captured = createCapturedLogger();

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

const fixed = (tokens: OAuthTokens): CredentialProvider<OAuthTokens> => ({ get: async () => tokens });

async function registerKey(apiKey: string, secret: string): Promise<CredentialProvider<ApiKeyCredentials>> {
  const res = await fetch(`${sandbox.url}/__sandbox/binance/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiKey, secret }),
  });
  expect(res.status).toBeLessThan(300);
  await res.text();
  return { get: async () => ({ apiKey, apiSecret: secret }) };
}

function window() {
  const until = new Date();
  return { since: new Date(until.getTime() - 30 * DAY), until };
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 7 });
  adapters = createAdapters({
    ...sandboxAdaptersConfig(sandbox.url),
    http: { sleep: async (ms) => void sleeps.push(ms), breakerThreshold: 1000 },
    logger: captured.logger,
    onEvent: (e) => events.push(e),
  });
});

afterAll(async () => {
  await sandbox?.close();
});

describe('coinbase against the sandbox', () => {
  let tokens: OAuthTokens;
  let demoFills: RawFill[];

  it('connects through the full OAuth dance with PKCE and state', async () => {
    tokens = await connectSandboxCoinbase(adapters, 'demo');
    expect(tokens.accessToken).toMatch(/^sbx_at_/);
    expect(tokens.refreshToken).toMatch(/^sbx_rt_/);
    expect(tokens.expiresAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(await adapters.coinbase.verifyReadOnly(fixed(tokens))).toEqual({
      scopes: expect.arrayContaining(['wallet:transactions:read', 'offline_access']),
    });
  });

  it('refuses a reused code, a wrong verifier, and reports a denied consent', async () => {
    const pkce = createPkcePair();
    const state = createState();
    const url = adapters.coinbase.oauth.authorizeUrl({
      state,
      codeChallenge: pkce.challenge,
      redirectUri: SANDBOX_REDIRECT_URI,
    });
    const code = (await consent(url, 'allow')).searchParams.get('code')!;
    const wrong = await failure(
      adapters.coinbase.oauth.exchangeCode({
        code,
        codeVerifier: createPkcePair().verifier,
        redirectUri: SANDBOX_REDIRECT_URI,
      }),
    );
    expect(wrong.code).toBe('BROKER.OAUTH_FAILED');

    const code2 = (await consent(url, 'allow')).searchParams.get('code')!;
    await adapters.coinbase.oauth.exchangeCode({
      code: code2,
      codeVerifier: pkce.verifier,
      redirectUri: SANDBOX_REDIRECT_URI,
    });
    const reused = await failure(
      adapters.coinbase.oauth.exchangeCode({
        code: code2,
        codeVerifier: pkce.verifier,
        redirectUri: SANDBOX_REDIRECT_URI,
      }),
    );
    expect(reused.code).toBe('BROKER.OAUTH_FAILED');

    const denied = await consent(url, 'deny');
    expect([denied.searchParams.get('error'), denied.searchParams.get('state')]).toEqual([
      'access_denied',
      state,
    ]);
  });

  it('fetches every demo fill exactly once, as the exchange lists them', async () => {
    const { since, until } = window();
    const pages = await collect(adapters.coinbase.fetchFills({ credentials: fixed(tokens), since, until }));
    demoFills = pages.flatMap((p) => p.fills);
    expect(demoFills.length).toBeGreaterThan(200);
    expect(new Set(demoFills.map((f) => f.extId)).size).toBe(demoFills.length);
    for (const fill of demoFills) expect(RawFillSchema.parse(fill)).toEqual(fill);

    const direct = new URL('/api/v3/brokerage/orders/historical/fills', sandbox.url);
    direct.searchParams.set('limit', '1000');
    direct.searchParams.set('start_sequence_timestamp', since.toISOString());
    direct.searchParams.set('end_sequence_timestamp', until.toISOString());
    const raw = (await (
      await fetch(direct, { headers: { authorization: `Bearer ${tokens.accessToken}` } })
    ).json()) as {
      fills: { trade_id: string; trade_type: string; product_id: string }[];
    };
    const spot = raw.fills.filter(
      (f) => f.trade_type === 'FILL' && /^[A-Z0-9]+-[A-Z0-9]+$/.test(f.product_id),
    );
    expect(new Set(demoFills.map((f) => f.extId))).toEqual(new Set(spot.map((f) => f.trade_id)));
    expect(pages.reduce((n, p) => n + p.skipped, 0)).toBe(raw.fills.length - spot.length);

    const again = await collect(
      adapters.coinbase.fetchFills({
        credentials: fixed(tokens),
        since,
        until: new Date(),
        syncState: pages.at(-1)!.syncState,
      }),
    );
    const known = new Set(demoFills.map((f) => f.extId));
    expect(again.flatMap((p) => p.fills).every((f) => known.has(f.extId))).toBe(true);
  });

  it('fetches hourly candles in 300-candle windows, ascending', async () => {
    const symbol = demoFills[0]!.symbol;
    const until = new Date();
    const since = new Date(until.getTime() - 20 * DAY);
    const candles = await adapters.coinbase.fetchCandles({
      credentials: fixed(tokens),
      symbol,
      since,
      until,
    });
    expect(candles.length).toBeGreaterThan(400);
    const opens = candles.map((c) => Date.parse(c.ts));
    for (let i = 1; i < opens.length; i++) {
      expect(opens[i]! - opens[i - 1]!).toBeGreaterThanOrEqual(3_600_000);
      expect(opens[i]! % 3_600_000).toBe(0);
    }
    expect(opens[0]).toBeGreaterThanOrEqual(Math.floor(since.getTime() / 3_600_000) * 3_600_000);
  });

  it('rotates refresh tokens, refuses a spent one, and refreshes through withFreshToken', async () => {
    const own = await connectSandboxCoinbase(adapters, 'demo');
    const next = await adapters.coinbase.oauth.refresh(own.refreshToken!);
    expect(next.refreshToken).not.toBe(own.refreshToken);
    expect(
      (await collect(adapters.coinbase.fetchFills({ credentials: fixed(next), ...window() }))).length,
    ).toBeGreaterThan(0);
    expect((await failure(adapters.coinbase.oauth.refresh(own.refreshToken!))).code).toBe(
      'BROKER.TOKEN_REVOKED',
    );
    // Replaying a spent refresh token revokes the whole grant, as Coinbase does.
    const replayed = await failure(
      collect(adapters.coinbase.fetchFills({ credentials: fixed(next), ...window() })),
    );
    expect(replayed.code).toBe('BROKER.TOKEN_EXPIRED');

    const fresh = await connectSandboxCoinbase(adapters, 'demo');
    let stored: OAuthTokens = { ...fresh, expiresAt: new Date(Date.now() + 60_000) };
    const saved: OAuthTokens[] = [];
    const provider = withFreshToken(adapters.coinbase.oauth, {
      load: async () => stored,
      save: async (rotated) => {
        saved.push(rotated);
        stored = rotated;
      },
    });
    const [a, b] = await Promise.all([provider.get(), provider.get()]);
    expect(a.accessToken).toBe(b.accessToken);
    expect(saved).toHaveLength(1);
    expect(saved[0]!.refreshToken).not.toBe(fresh.refreshToken);
    expect(
      (await collect(adapters.coinbase.fetchFills({ credentials: provider, ...window() }))).length,
    ).toBeGreaterThan(0);
  });

  it('revokes a connection so its token stops working', async () => {
    const own = await connectSandboxCoinbase(adapters, 'demo');
    await adapters.coinbase.oauth.revoke(own.accessToken);
    const error = await failure(
      collect(adapters.coinbase.fetchFills({ credentials: fixed(own), ...window() })),
    );
    expect(error.code).toBe('BROKER.TOKEN_EXPIRED');
  });

  it('rides out an injected 429 storm, honouring Retry-After', async () => {
    sleeps.length = 0;
    sandbox.faults.add({ kind: '429', count: 3, retryAfterSeconds: 2, pathPrefix: '/api/v3/brokerage' });
    const pages = await collect(adapters.coinbase.fetchFills({ credentials: fixed(tokens), ...window() }));
    expect(pages.flatMap((p) => p.fills).length).toBe(demoFills.length);
    expect(sleeps).toEqual([2000, 2000, 2000]);
  });
});

describe('resilience against the sandbox', () => {
  it('opens the breaker during a 5xx outage, fails fast, and recovers after the cool-down', async () => {
    let now = Date.now();
    const local = createAdapters({
      ...sandboxAdaptersConfig(sandbox.url),
      http: {
        clock: { now: () => now },
        sleep: async (ms) => void (now += ms),
        maxRetries: 1,
        breakerThreshold: 2,
        breakerCooldownMs: 30_000,
      },
    });
    const tokens = await connectSandboxCoinbase(local, 'demo');
    sandbox.faults.add({ kind: '5xx', count: 4, status: 503, pathPrefix: '/api/v3/brokerage' });
    for (let i = 0; i < 2; i++) {
      expect(
        (await failure(collect(local.coinbase.fetchFills({ credentials: fixed(tokens), ...window() })))).code,
      ).toBe('BROKER.UNAVAILABLE');
    }
    expect(local.breakerStates().coinbase).toBe('open');
    const untouched = sandbox.faults.add({ kind: '5xx', count: 1, pathPrefix: '/api/v3/brokerage' });
    expect(
      (await failure(collect(local.coinbase.fetchFills({ credentials: fixed(tokens), ...window() })))).code,
    ).toBe('BROKER.UNAVAILABLE');
    expect(sandbox.faults.list().map((f) => f.id)).toContain(untouched.id);
    sandbox.faults.clear();
    now += 30_000;
    expect(
      (await collect(local.coinbase.fetchFills({ credentials: fixed(tokens), ...window() }))).length,
    ).toBeGreaterThan(0);
    expect(local.breakerStates().coinbase).toBe('closed');
  });

  it('retries dropped connections', async () => {
    const tokens = await connectSandboxCoinbase(adapters, 'demo');
    sandbox.faults.add({ kind: 'drop', count: 2, pathPrefix: '/api/v3/brokerage' });
    const pages = await collect(adapters.coinbase.fetchFills({ credentials: fixed(tokens), ...window() }));
    expect(pages.flatMap((p) => p.fills).length).toBeGreaterThan(200);
    expect(events.filter((e) => e.type === 'retry' && e.reason === 'network').length).toBeGreaterThanOrEqual(
      2,
    );
  });
});

describe('binance against the sandbox', () => {
  it('connects a read-only key and refuses trading or withdrawal keys with 422', async () => {
    expect(
      await adapters.binance!.verifyReadOnly(await registerKey('it-read-key', 'sbx_sk_it_read')),
    ).toEqual({ scopes: ['read'] });
    const trading = await failure(
      adapters.binance!.verifyReadOnly(await registerKey('it-trade-key', 'sbx_sk_it_trade')),
    );
    expect([trading.code, trading.status]).toEqual(['BROKER.KEY_NOT_READ_ONLY', 422]);
    expect(trading.detail).toContain('Spot & Margin Trading');
    const withdrawing = await failure(
      adapters.binance!.verifyReadOnly(await registerKey('it-withdraw-key', 'sbx_sk_it_w')),
    );
    expect(withdrawing.detail).toContain('Withdrawals');
    const wrongSecret = await failure(
      adapters.binance!.verifyReadOnly({
        get: async () => ({ apiKey: 'it-read-key', apiSecret: 'sbx_sk_not_it' }),
      }),
    );
    expect(wrongSecret.code).toBe('BROKER.INVALID_KEY');
  });

  it('walks every fill of the demo account once and then only what is new', async () => {
    const credentials = await registerKey('it-read-key', 'sbx_sk_it_read');
    const { since, until } = window();
    const pages = await collect(adapters.binance!.fetchFills({ credentials, since, until }));
    const fills = pages.flatMap((p) => p.fills);
    expect(fills.length).toBeGreaterThan(200);
    expect(new Set(fills.map((f) => f.extId)).size).toBe(fills.length);
    for (const fill of fills) {
      expect(RawFillSchema.parse(fill)).toEqual(fill);
      expect(fill.extId).toMatch(new RegExp(`^${fill.symbol.replace('-', '')}:\\d+$`));
    }
    const again = await collect(
      adapters.binance!.fetchFills({
        credentials,
        since,
        until: new Date(),
        syncState: pages.at(-1)!.syncState,
      }),
    );
    const known = new Set(fills.map((f) => f.extId));
    expect(again.flatMap((p) => p.fills).filter((f) => known.has(f.extId))).toEqual([]);
  });

  it('reads hourly klines', async () => {
    const until = new Date();
    const candles = await adapters.binance!.fetchCandles({
      credentials: await registerKey('it-read-key', 'sbx_sk_it_read'),
      symbol: 'BTC-USDT',
      since: new Date(until.getTime() - 50 * DAY),
      until,
    });
    expect(candles.length).toBeGreaterThan(1100);
    expect(Date.parse(candles.at(-1)!.ts)).toBeGreaterThan(Date.parse(candles[0]!.ts));
  });
});

describe('logs of the whole session', () => {
  it('contain no sandbox token, refresh token or secret', () => {
    const text = captured.lines.join('\n');
    expect(captured.lines.length).toBeGreaterThan(20);
    expect(text).not.toMatch(/sbx_at_|sbx_rt_|sbx_sk_|sbx_cs_/);
    expect(text).not.toMatch(/authorization|x-mbx-apikey/i);
    expect(events.some((e) => e.type === 'retry')).toBe(true);
  });
});
