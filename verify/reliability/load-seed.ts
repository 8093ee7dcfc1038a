import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { biasTags, users } from '@tt/db';
import { BIAS_LABELS } from '@tt/shared';
import { loadConfig } from '../../apps/bff/src/config/config';
import { createLogger } from '../../apps/bff/src/logger';
import { createPlatform, type Platform } from '../../apps/bff/src/platform';
import { createServices, type Services } from '../../apps/bff/src/modules/services';
import { insertTrades, type NewTrade } from '../../apps/bff/src/modules/trades/trades.repository';
import { encodeCursor } from '../../apps/bff/src/lib/cursor';
import type { Deployment } from './deployment';

const SYMBOLS = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'ADA-USD', 'DOGE-USD'];
const LABELS = BIAS_LABELS;
const DAY = 86_400_000;

/** A trader seeded for the load runs: their session cookie and cursors into their trade list. */
export interface SeededTrader {
  userId: string;
  cookie: string;
  /** A cursor some pages deep, so that keyset paging is part of the load. */
  deepCursor: string | undefined;
}

/**
 * This process plays a second worker on the deployment's database and Redis: it writes through
 * the product's own repositories and raises coach events through its events service, which the
 * BFF fans out exactly as it does for the real worker.
 */
export interface LoadPlatform {
  platform: Platform;
  services: Services;
  close(): Promise<void>;
}

export async function openLoadPlatform(deployment: Deployment): Promise<LoadPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tt-verify-load-'));
  const config = loadConfig({ ...deployment.env, DATA_DIR: dataDir, METRICS_PORT: '0', LOG_LEVEL: 'error' });
  const platform = await createPlatform(config, createLogger('error'));
  const services = createServices(platform);
  return {
    platform,
    services,
    async close() {
      await platform.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Users inserted directly, each with a real session (no sign-in needed, no password cost). */
export async function seedUsers(load: LoadPlatform, count: number, tag: string) {
  const rows = await load.platform.database.db
    .insert(users)
    .values(
      Array.from({ length: count }, (_, i) => ({
        email: `verify-${tag}-${i}-${Date.now()}@example.com`,
        passwordHash: 'verify:no-login',
      })),
    )
    .returning({ id: users.id });
  const out: { userId: string; cookie: string }[] = [];
  for (const { id } of rows) {
    const session = await load.services.identity.sessions.create(id, {
      ip: '127.0.0.1',
      userAgent: 'verify-load',
    });
    out.push({ userId: id, cookie: `__Host-tt_session=${session.token}` });
  }
  return out;
}

/**
 * `traders × tradesEach` fills written through the trades repository (as an import stores them),
 * each with a bias tag, spread over 30 days and five symbols. Returns the traders and how long it took.
 */
export async function seedTrades(
  load: LoadPlatform,
  traders: number,
  tradesEach: number,
): Promise<{ traders: SeededTrader[]; seconds: number; total: number }> {
  const started = performance.now();
  const db = load.platform.database.db;
  const people = await seedUsers(load, traders, 'trades');
  const now = Date.now();
  const out: SeededTrader[] = [];
  for (const [index, person] of people.entries()) {
    const rows: NewTrade[] = Array.from({ length: tradesEach }, (_, i) => {
      const price = (100 + ((i * 7919) % 900)).toFixed(2);
      return {
        broker: 'coinbase',
        extId: `seed-${index}-${i}`,
        orderId: null,
        symbol: SYMBOLS[i % SYMBOLS.length]!,
        side: i % 2 === 0 ? 'BUY' : 'SELL',
        qty: '0.0125',
        price,
        fee: '0.05',
        feeAsset: 'USD',
        feeQuote: '0.05',
        ts: new Date(now - ((i * 2_654_435_761) % (30 * DAY))),
        source: 'api',
        meta: {},
      };
    });
    const { inserted } = await insertTrades(db, person.userId, null, rows);
    for (let i = 0; i < inserted.length; i += 1000) {
      await db.insert(biasTags).values(
        inserted.slice(i, i + 1000).map((t, j) => ({
          tradeId: t.id,
          userId: person.userId,
          label: LABELS[(i + j) % LABELS.length]!,
          confidence: 0.5 + ((i + j) % 50) / 100,
          reasons: ['seeded for the load run'],
          features: { RSI_14: 50, symbol: t.symbol },
        })),
      );
    }
    // Newest first, as the API pages: the row 500 places down starts a deep page.
    const ordered = [...inserted].sort((a, b) => b.ts.getTime() - a.ts.getTime() || (b.id < a.id ? -1 : 1));
    const deep = ordered[Math.min(500, ordered.length - 1)];
    out.push({ ...person, deepCursor: deep ? encodeCursor({ ts: deep.ts, id: deep.id }) : undefined });
  }
  return {
    traders: out,
    seconds: Math.round(performance.now() - started) / 1000,
    total: traders * tradesEach,
  };
}
