import { type RawFill, RawFillSchema } from '@tt/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapters } from './create-adapters';
import { createPkcePair, createState } from './oauth/pkce';
import { withFreshToken } from './oauth/with-fresh-token';
import { collect } from './test-support/adapters';
import { appErrorOf } from './test-support/app-error';
import {
  consent,
  connectSandboxCoinbase,
  SANDBOX_REDIRECT_URI,
  sandboxAdaptersConfig,
} from './test-support/sandbox-oauth';
import { fixedTokens, last30Days, startSandboxSession } from './test-support/sandbox-session';
import type { OAuthTokens } from './types';

const DAY = 86_400_000;
let session: Awaited<ReturnType<typeof startSandboxSession>>;

beforeAll(async () => {
  session = await startSandboxSession(7);
});

afterAll(async () => {
  await session?.sandbox.close();
});

describe('coinbase against the sandbox', () => {
  let tokens: OAuthTokens;
  let demoFills: RawFill[];

  it('connects through the full OAuth dance with PKCE and state', async () => {
    tokens = await connectSandboxCoinbase(session.adapters, 'demo');
    expect(tokens.accessToken).toMatch(/^sbx_at_/);
    expect(tokens.refreshToken).toMatch(/^sbx_rt_/);
    expect(tokens.expiresAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(await session.adapters.coinbase.verifyReadOnly(fixedTokens(tokens))).toEqual({
      scopes: expect.arrayContaining(['wallet:transactions:read', 'offline_access']),
    });
  });

  it('refuses a reused code, a wrong verifier, and reports a denied consent', async () => {
    const pkce = createPkcePair();
    const state = createState();
    const url = session.adapters.coinbase.oauth.authorizeUrl({
      state,
      codeChallenge: pkce.challenge,
      redirectUri: SANDBOX_REDIRECT_URI,
    });
    const code = (await consent(url, 'allow')).searchParams.get('code')!;
    const wrong = await appErrorOf(
      session.adapters.coinbase.oauth.exchangeCode({
        code,
        codeVerifier: createPkcePair().verifier,
        redirectUri: SANDBOX_REDIRECT_URI,
      }),
    );
    expect(wrong.code).toBe('BROKER.OAUTH_FAILED');

    const code2 = (await consent(url, 'allow')).searchParams.get('code')!;
    await session.adapters.coinbase.oauth.exchangeCode({
      code: code2,
      codeVerifier: pkce.verifier,
      redirectUri: SANDBOX_REDIRECT_URI,
    });
    const reused = await appErrorOf(
      session.adapters.coinbase.oauth.exchangeCode({
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
    const { since, until } = last30Days();
    const pages = await collect(
      session.adapters.coinbase.fetchFills({ credentials: fixedTokens(tokens), since, until }),
    );
    demoFills = pages.flatMap((p) => p.fills);
    expect(demoFills.length).toBeGreaterThan(200);
    expect(new Set(demoFills.map((f) => f.extId)).size).toBe(demoFills.length);
    for (const fill of demoFills) expect(RawFillSchema.parse(fill)).toEqual(fill);

    const direct = new URL('/api/v3/brokerage/orders/historical/fills', session.sandbox.url);
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
      session.adapters.coinbase.fetchFills({
        credentials: fixedTokens(tokens),
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
    const candles = await session.adapters.coinbase.fetchCandles({
      credentials: fixedTokens(tokens),
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
    const own = await connectSandboxCoinbase(session.adapters, 'demo');
    const next = await session.adapters.coinbase.oauth.refresh(own.refreshToken!);
    expect(next.refreshToken).not.toBe(own.refreshToken);
    expect(
      (
        await collect(
          session.adapters.coinbase.fetchFills({ credentials: fixedTokens(next), ...last30Days() }),
        )
      ).length,
    ).toBeGreaterThan(0);
    expect((await appErrorOf(session.adapters.coinbase.oauth.refresh(own.refreshToken!))).code).toBe(
      'BROKER.TOKEN_REVOKED',
    );
    // Replaying a spent refresh token revokes the whole grant, as Coinbase does.
    const replayed = await appErrorOf(
      collect(session.adapters.coinbase.fetchFills({ credentials: fixedTokens(next), ...last30Days() })),
    );
    expect(replayed.code).toBe('BROKER.TOKEN_EXPIRED');

    const fresh = await connectSandboxCoinbase(session.adapters, 'demo');
    let stored: OAuthTokens = { ...fresh, expiresAt: new Date(Date.now() + 60_000) };
    const saved: OAuthTokens[] = [];
    const provider = withFreshToken(session.adapters.coinbase.oauth, {
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
      (await collect(session.adapters.coinbase.fetchFills({ credentials: provider, ...last30Days() })))
        .length,
    ).toBeGreaterThan(0);
  });

  it('revokes a connection so its token stops working', async () => {
    const own = await connectSandboxCoinbase(session.adapters, 'demo');
    await session.adapters.coinbase.oauth.revoke(own.accessToken);
    const error = await appErrorOf(
      collect(session.adapters.coinbase.fetchFills({ credentials: fixedTokens(own), ...last30Days() })),
    );
    expect(error.code).toBe('BROKER.TOKEN_EXPIRED');
  });

  it('rides out an injected 429 storm, honouring Retry-After', async () => {
    session.sleeps.length = 0;
    session.sandbox.faults.add({
      kind: '429',
      count: 3,
      retryAfterSeconds: 2,
      pathPrefix: '/api/v3/brokerage',
    });
    const pages = await collect(
      session.adapters.coinbase.fetchFills({ credentials: fixedTokens(tokens), ...last30Days() }),
    );
    expect(pages.flatMap((p) => p.fills).length).toBe(demoFills.length);
    expect(session.sleeps).toEqual([2000, 2000, 2000]);
  });
});

describe('resilience against the sandbox', () => {
  it('opens the breaker during a 5xx outage, fails fast, and recovers after the cool-down', async () => {
    let now = Date.now();
    const local = createAdapters({
      ...sandboxAdaptersConfig(session.sandbox.url),
      http: {
        clock: { now: () => now },
        sleep: async (ms) => void (now += ms),
        maxRetries: 1,
        breakerThreshold: 2,
        breakerCooldownMs: 30_000,
      },
    });
    const tokens = await connectSandboxCoinbase(local, 'demo');
    const fetchAll = () =>
      collect(local.coinbase.fetchFills({ credentials: fixedTokens(tokens), ...last30Days() }));
    session.sandbox.faults.add({ kind: '5xx', count: 4, status: 503, pathPrefix: '/api/v3/brokerage' });
    expect((await appErrorOf(fetchAll())).code).toBe('BROKER.UNAVAILABLE');
    expect((await appErrorOf(fetchAll())).code).toBe('BROKER.UNAVAILABLE');
    expect(local.breakerStates().coinbase).toBe('open');

    const untouched = session.sandbox.faults.add({ kind: '5xx', count: 1, pathPrefix: '/api/v3/brokerage' });
    expect((await appErrorOf(fetchAll())).code).toBe('BROKER.UNAVAILABLE');
    expect(session.sandbox.faults.list().map((f) => f.id)).toContain(untouched.id);

    session.sandbox.faults.clear();
    now += 30_000;
    expect((await fetchAll()).length).toBeGreaterThan(0);
    expect(local.breakerStates().coinbase).toBe('closed');
  });

  it('retries dropped connections', async () => {
    const tokens = await connectSandboxCoinbase(session.adapters, 'demo');
    session.sandbox.faults.add({ kind: 'drop', count: 2, pathPrefix: '/api/v3/brokerage' });
    const pages = await collect(
      session.adapters.coinbase.fetchFills({ credentials: fixedTokens(tokens), ...last30Days() }),
    );
    expect(pages.flatMap((p) => p.fills).length).toBeGreaterThan(200);
    expect(
      session.events.filter((e) => e.type === 'retry' && e.reason === 'network').length,
    ).toBeGreaterThanOrEqual(2);
  });
});

describe('logs of the Coinbase session', () => {
  it('contain no sandbox token, refresh token or client secret', () => {
    const text = session.captured.lines.join('\n');
    expect(session.captured.lines.length).toBeGreaterThan(20);
    expect(text).not.toMatch(/sbx_at_|sbx_rt_|sbx_cs_/);
    expect(text).not.toMatch(/authorization|bearer/i);
    expect(session.events.some((e) => e.type === 'retry')).toBe(true);
  });
});
