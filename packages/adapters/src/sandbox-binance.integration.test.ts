import { RawFillSchema } from '@tt/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from './test-support/adapters';
import { appErrorOf } from './test-support/app-error';
import { last30Days, startSandboxSession } from './test-support/sandbox-session';

const DAY = 86_400_000;
let session: Awaited<ReturnType<typeof startSandboxSession>>;

beforeAll(async () => {
  session = await startSandboxSession(11);
});

afterAll(async () => {
  await session?.sandbox.close();
});

describe('binance against the sandbox', () => {
  it('connects a read-only key and refuses trading or withdrawal keys with 422', async () => {
    expect(
      await session.adapters.binance!.verifyReadOnly(
        await session.registerKey('it-read-key', 'sbx_sk_it_read'),
      ),
    ).toEqual({ scopes: ['read'] });
    const trading = await appErrorOf(
      session.adapters.binance!.verifyReadOnly(await session.registerKey('it-trade-key', 'sbx_sk_it_trade')),
    );
    expect([trading.code, trading.status]).toEqual(['BROKER.KEY_NOT_READ_ONLY', 422]);
    expect(trading.detail).toContain('Spot & Margin Trading');
    const withdrawing = await appErrorOf(
      session.adapters.binance!.verifyReadOnly(await session.registerKey('it-withdraw-key', 'sbx_sk_it_w')),
    );
    expect(withdrawing.detail).toContain('Withdrawals');
    const wrongSecret = await appErrorOf(
      session.adapters.binance!.verifyReadOnly({
        get: async () => ({ apiKey: 'it-read-key', apiSecret: 'sbx_sk_not_it' }),
      }),
    );
    expect(wrongSecret.code).toBe('BROKER.INVALID_KEY');
  });

  it('walks every fill of the demo account once and then only what is new', async () => {
    const credentials = await session.registerKey('it-read-key', 'sbx_sk_it_read');
    const { since, until } = last30Days();
    const pages = await collect(session.adapters.binance!.fetchFills({ credentials, since, until }));
    const fills = pages.flatMap((p) => p.fills);
    expect(fills.length).toBeGreaterThan(200);
    expect(new Set(fills.map((f) => f.extId)).size).toBe(fills.length);
    for (const fill of fills) {
      expect(RawFillSchema.parse(fill)).toEqual(fill);
      expect(fill.extId).toMatch(new RegExp(`^${fill.symbol.replace('-', '')}:\\d+$`));
    }
    const again = await collect(
      session.adapters.binance!.fetchFills({
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
    const candles = await session.adapters.binance!.fetchCandles({
      credentials: await session.registerKey('it-read-key', 'sbx_sk_it_read'),
      symbol: 'BTC-USDT',
      since: new Date(until.getTime() - 50 * DAY),
      until,
    });
    expect(candles.length).toBeGreaterThan(1100);
    expect(Date.parse(candles.at(-1)!.ts)).toBeGreaterThan(Date.parse(candles[0]!.ts));
  });
});

describe('logs of the Binance session', () => {
  it('contain no API key, secret or signature', () => {
    const text = session.captured.lines.join('\n');
    expect(session.captured.lines.length).toBeGreaterThan(10);
    expect(text).not.toMatch(/sbx_sk_|it-read-key|x-mbx-apikey/i);
    expect(text).toContain('signature=[REDACTED]');
  });
});
