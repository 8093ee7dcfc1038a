import { describe, expect, it } from 'vitest';
import {
  apiKeyCredentials,
  collect,
  COINBASE_TEST_CONFIG,
  createTestAdapters,
  oauthCredentials,
} from '../test-support/adapters';
import { createFakeBinance, generateTrades } from '../test-support/fake-binance';
import { createCapturedLogger, fixture, type FakeRequest } from '../test-support/fake-fetch';
import { redactUrl } from './redact';

const START = Date.UTC(2024, 5, 1);

/** Every credential-shaped value a request carried: tokens, keys, secrets, signatures, codes. */
function secretsSeen(calls: FakeRequest[]): string[] {
  const values = new Set<string>([
    'sbx_at_',
    'sbx_rt_',
    'sbx_sk_',
    COINBASE_TEST_CONFIG.clientSecret,
    'read-only-key-0001',
  ]);
  for (const call of calls) {
    const signature = call.url.searchParams.get('signature');
    if (signature) values.add(signature);
    for (const [key, value] of new URLSearchParams(call.body)) {
      if (/token|secret|code|verifier/.test(key)) values.add(value);
    }
  }
  return [...values];
}

describe('logs and errors', () => {
  it('never show a token, key, secret, signature or auth header', async () => {
    const { logger, lines } = createCapturedLogger();
    let failNext = true;
    const server = createFakeBinance({
      now: () => START,
      trades: { BTCUSDT: generateTrades(40, START - 86_400_000, START - 1) },
    });
    const { coinbase, binance, fake } = createTestAdapters(
      (request) => {
        if (request.url.hostname.includes('binance')) return server.handler(request);
        if (request.url.pathname.endsWith('/token')) {
          return request.body.includes('refresh_token=sbx_rt_spent')
            ? {
                status: 400,
                json: {
                  ...fixture<object>('coinbase/error-invalid-grant.json'),
                  echoed: 'sbx_rt_spent_0001',
                },
              }
            : { json: fixture('coinbase/token.json') };
        }
        if (request.url.pathname.endsWith('/fills') && failNext) {
          failNext = false;
          return { status: 503, text: `upstream error for Bearer ${request.headers.authorization}` };
        }
        if (request.url.pathname.endsWith('/fills')) return { json: fixture('coinbase/fills-page-2.json') };
        return { status: 401, json: fixture('coinbase/error-unauthorized.json') };
      },
      { logger, startMs: START },
    );
    const errors: unknown[] = [];
    const attempt = async (run: () => Promise<unknown>) => {
      try {
        await run();
      } catch (error) {
        errors.push(error);
        logger.error({ err: error }, 'adapter call failed');
      }
    };

    await attempt(() =>
      coinbase.oauth.exchangeCode({
        code: 'sbx_code_0001',
        codeVerifier: 'verifier-abcdefgh',
        redirectUri: 'http://127.0.0.1/cb',
      }),
    );
    await attempt(() => coinbase.oauth.refresh('sbx_rt_spent_0001'));
    await attempt(() =>
      collect(
        coinbase.fetchFills({
          credentials: oauthCredentials('sbx_at_live_token_1'),
          since: new Date(START - 86_400_000),
          until: new Date(START),
        }),
      ),
    );
    await attempt(() =>
      coinbase.fetchCandles({
        credentials: oauthCredentials('sbx_at_live_token_1'),
        symbol: 'BTC-USD',
        since: new Date(START),
        until: new Date(START),
      }),
    );
    await attempt(() => binance.verifyReadOnly(apiKeyCredentials()));
    await attempt(() =>
      binance.verifyReadOnly(apiKeyCredentials('read-only-key-0001', 'sbx_sk_wrong_secret')),
    );
    await attempt(() =>
      collect(
        binance.fetchFills({
          credentials: apiKeyCredentials(),
          since: new Date(START - 86_400_000),
          until: new Date(START),
        }),
      ),
    );
    await attempt(() => coinbase.oauth.revoke('sbx_at_live_token_1'));

    expect(lines.length).toBeGreaterThan(10);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    const haystack = [...lines, ...errors.map((e) => JSON.stringify(e, Object.getOwnPropertyNames(e)))].join(
      '\n',
    );
    for (const secret of [
      ...secretsSeen(fake.calls),
      'sbx_at_live_token_1',
      'sbx_rt_spent_0001',
      'sbx_code_0001',
      'verifier-abcdefgh',
    ]) {
      expect(haystack).not.toContain(secret);
    }
    expect(haystack).not.toMatch(/authorization|x-mbx-apikey|bearer/i);
    expect(lines.some((l) => l.includes('signature=[REDACTED]'))).toBe(true);
  });
});

describe('redactUrl', () => {
  it('hides credential parameters and known secret values, keeps the rest', () => {
    expect(
      redactUrl('https://u:p@api.test/x?symbol=BTCUSDT&timestamp=1&signature=abc123&code=xyz', ['BTCUSDT']),
    ).toBe('https://api.test/x?symbol=[REDACTED]&timestamp=1&signature=[REDACTED]&code=[REDACTED]');
    expect(redactUrl('not a url')).toBe('[REDACTED]');
  });
});
