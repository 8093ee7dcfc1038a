import type { InjectOptions } from 'fastify';
import type { Trader } from './fixtures';

/**
 * Who may call each route, and a well-formed request to it. `public`: anyone; `self`: any
 * signed-in user, on their own data only (another user's ids or secrets in the request must not
 * reach the owner's data); `owned`: a resource named in the path, answered only to its owner
 * (another user gets 404, as if it did not exist); `external`: the broker sandbox mounted in demo
 * mode, a separate "exchange" with its own auth. Every route Fastify reports must be listed here,
 * so a new route fails the suite until someone decides who may call it.
 */
export type Access = 'public' | 'self' | 'owned' | 'external';

export interface RouteSpec {
  access: Access;
  /** The request, aimed at `owner`'s data. */
  request(owner: Trader): InjectOptions;
  /** Statuses a caller with access gets; default: any 2xx or 3xx. */
  allowed?: number[];
  /** The owner is a fresh trader made for this row (the route destroys or changes what it acts on). */
  disposable?: 'plain' | 'with-binance';
  /** Requests the owner sends first (an extra session to revoke). */
  prepare?: (owner: Trader) => Promise<Partial<Trader>>;
}

const CSV_BOUNDARY = 'verifyboundary7MA4YWxkTrZu0gW';
export const csvMultipart = (broker: string, csv: string) =>
  [
    `--${CSV_BOUNDARY}`,
    'Content-Disposition: form-data; name="broker"',
    '',
    broker,
    `--${CSV_BOUNDARY}`,
    'Content-Disposition: form-data; name="file"; filename="trades.csv"',
    'Content-Type: text/csv',
    '',
    csv,
    `--${CSV_BOUNDARY}--`,
    '',
  ].join('\r\n');
export const CSV_CONTENT_TYPE = `multipart/form-data; boundary=${CSV_BOUNDARY}`;
const CSV = [
  'Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin',
  '2026-10-30 12:42:31,BTCUSDT,BUY,67120.01,0.0149,1000.088149,0.0000149,BTC',
].join('\n');

const hourAgo = (h: number) =>
  new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - h * 3_600_000).toISOString();
const json = (
  method: InjectOptions['method'],
  url: string,
  payload: Record<string, unknown> = {},
): InjectOptions => ({
  method,
  url,
  payload,
});

export const ROUTES: Record<string, RouteSpec> = {
  'GET /healthz': { access: 'public', request: () => ({ method: 'GET', url: '/healthz' }) },
  'GET /readyz': { access: 'public', request: () => ({ method: 'GET', url: '/readyz' }) },
  'GET /*': { access: 'public', request: () => ({ method: 'GET', url: '/trades' }) },
  'GET /api/auth/csrf': { access: 'public', request: () => ({ method: 'GET', url: '/api/auth/csrf' }) },
  'POST /api/auth/signup': {
    access: 'public',
    request: () =>
      json('POST', '/api/auth/signup', {
        email: `new-${Math.random().toString(36).slice(2)}@example.com`,
        password: 'a long enough passphrase 42',
      }),
  },
  // A sign-in or sign-out replaces or ends the caller's session: each row gets a trader of its own.
  'POST /api/auth/login': {
    access: 'public',
    disposable: 'plain',
    request: (o) => json('POST', '/api/auth/login', { email: o.email, password: o.password }),
  },
  'POST /api/auth/logout': {
    access: 'public',
    disposable: 'plain',
    request: () => json('POST', '/api/auth/logout'),
  },
  'GET /api/brokers/:broker/connect/callback': {
    access: 'public',
    request: () => ({
      method: 'GET',
      url: '/api/brokers/coinbase/connect/callback?code=x&state=yyyyyyyyyyyyyyyyyyyy',
    }),
  },
  'GET /ws/coach': { access: 'self', request: () => ({ method: 'GET', url: '/ws/coach' }), allowed: [426] },

  'GET /api/auth/me': { access: 'self', request: () => ({ method: 'GET', url: '/api/auth/me' }) },
  'GET /api/auth/sessions': { access: 'self', request: () => ({ method: 'GET', url: '/api/auth/sessions' }) },
  'POST /api/auth/password': {
    access: 'self',
    disposable: 'plain',
    request: (o) =>
      json('POST', '/api/auth/password', {
        currentPassword: o.password,
        newPassword: `${o.password}-renewed-9`,
      }),
  },
  'DELETE /api/auth/sessions/:id': {
    access: 'owned',
    request: (o) => ({ method: 'DELETE', url: `/api/auth/sessions/${o.sessionId}` }),
  },
  'GET /api/audit': { access: 'self', request: () => ({ method: 'GET', url: '/api/audit' }) },
  'GET /api/audit/:id': {
    access: 'owned',
    request: (o) => ({ method: 'GET', url: `/api/audit/${o.auditId}` }),
  },
  'DELETE /api/me': {
    access: 'self',
    disposable: 'plain',
    request: (o) => json('DELETE', '/api/me', { password: o.password }),
  },
  'PATCH /api/me/settings': {
    access: 'self',
    request: () => json('PATCH', '/api/me/settings', { tone: 'strict' }),
  },
  'GET /api/me/export': { access: 'self', request: () => ({ method: 'GET', url: '/api/me/export' }) },
  'GET /api/market/candles': {
    access: 'self',
    request: () => ({
      method: 'GET',
      url: `/api/market/candles?broker=coinbase&symbol=BTC-USD&from=${hourAgo(48)}&to=${hourAgo(1)}`,
    }),
  },
  'GET /api/trades': { access: 'self', request: () => ({ method: 'GET', url: '/api/trades' }) },
  'POST /api/trades/import': {
    access: 'self',
    request: () => json('POST', '/api/trades/import'),
    allowed: [202],
  },
  'GET /api/trades/:id': {
    access: 'owned',
    request: (o) => ({ method: 'GET', url: `/api/trades/${o.tradeId}` }),
  },
  'GET /api/trades/:id/bias': {
    access: 'owned',
    request: (o) => ({ method: 'GET', url: `/api/trades/${o.tradeId}/bias` }),
  },
  'GET /api/imports': { access: 'self', request: () => ({ method: 'GET', url: '/api/imports' }) },
  'POST /api/imports/csv': {
    access: 'self',
    request: () => ({
      method: 'POST',
      url: '/api/imports/csv',
      payload: csvMultipart('binance', CSV),
      headers: { 'content-type': CSV_CONTENT_TYPE },
    }),
    allowed: [202],
  },
  'GET /api/imports/:id': {
    access: 'owned',
    request: (o) => ({ method: 'GET', url: `/api/imports/${o.importId}` }),
  },
  'GET /api/positions': { access: 'self', request: () => ({ method: 'GET', url: '/api/positions' }) },
  'GET /api/rules': { access: 'self', request: () => ({ method: 'GET', url: '/api/rules' }) },
  'POST /api/rules/upsert': {
    access: 'self',
    request: () => json('POST', '/api/rules/upsert', { kind: 'minHoldHours', params: { hours: 2 } }),
  },
  'POST /api/rules/reset': {
    access: 'self',
    request: () => json('POST', '/api/rules/reset', { kind: 'minHoldHours', to: 'default' }),
  },
  'POST /api/simulations/simple': {
    access: 'owned',
    request: (o) => json('POST', '/api/simulations/simple', { tradeId: o.tradeId, horizonDays: 3 }),
    allowed: [200, 202, 422],
  },
  'GET /api/simulations/:id': {
    access: 'owned',
    request: (o) => ({ method: 'GET', url: `/api/simulations/${o.simulationId}` }),
  },
  'GET /api/digests': { access: 'self', request: () => ({ method: 'GET', url: '/api/digests' }) },
  'POST /api/digests/weekly': {
    access: 'self',
    request: () => json('POST', '/api/digests/weekly'),
    allowed: [202],
  },
  'GET /api/digests/weekly/latest': {
    access: 'self',
    request: () => ({ method: 'GET', url: '/api/digests/weekly/latest' }),
  },
  'GET /api/digests/:id': {
    access: 'owned',
    request: (o) => ({ method: 'GET', url: `/api/digests/${o.digestId}` }),
  },
  'GET /api/brokers': { access: 'self', request: () => ({ method: 'GET', url: '/api/brokers' }) },
  'POST /api/brokers/:broker/connect/start': {
    access: 'self',
    request: () => json('POST', '/api/brokers/coinbase/connect/start'),
  },
  'POST /api/brokers/:broker/pause': {
    access: 'self',
    request: () => json('POST', '/api/brokers/coinbase/pause'),
  },
  'POST /api/brokers/:broker/resume': {
    access: 'self',
    request: () => json('POST', '/api/brokers/coinbase/resume'),
  },
  'DELETE /api/brokers/:broker': {
    access: 'self',
    disposable: 'with-binance',
    request: () => ({ method: 'DELETE', url: '/api/brokers/binance' }),
  },
};

/** The built web app's files, each registered by @fastify/static as a route of its own: public. */
export function staticFileSpec(url: string, files: Set<string>): RouteSpec | undefined {
  return files.has(url) ? { access: 'public', request: () => ({ method: 'GET', url }) } : undefined;
}

/** Sandbox routes (`/sandbox/...`): the demo exchange, present only in embedded mode without real Coinbase credentials. */
export const isExternal = (url: string) => url.startsWith('/sandbox/');

export function externalRequest(method: string, url: string): InjectOptions {
  return {
    method: method as InjectOptions['method'],
    url: url.replaceAll(/:[A-Za-z_]+/g, 'BTC-USD'),
    ...(method === 'GET' ? {} : { payload: {} }),
  };
}
