import type { FastifyRequest } from 'fastify';

/** Which API a path belongs to, so that errors and faults answer in that API's own format. */
export type ApiFamily = 'oauth' | 'coinbase' | 'binance' | 'vendor' | 'sandbox';

/** The request path relative to the sandbox root (its mount prefix removed), without the query. */
export function sandboxPath(request: FastifyRequest, prefix: string): string {
  const path = request.url.split('?', 1)[0] ?? '/';
  return prefix !== '' && path.startsWith(prefix) ? path.slice(prefix.length) || '/' : path;
}

/** The raw query string as sent (no leading `?`): Binance signs exactly these bytes. */
export function rawQuery(request: FastifyRequest): string {
  const index = request.url.indexOf('?');
  return index === -1 ? '' : request.url.slice(index + 1);
}

export function familyOf(path: string): ApiFamily {
  if (path.startsWith('/oauth')) return 'oauth';
  if (path.startsWith('/api/v3/brokerage')) return 'coinbase';
  if (path.startsWith('/api/v3/') || path.startsWith('/sapi/')) return 'binance';
  if (path.startsWith('/vendor/')) return 'vendor';
  return 'sandbox';
}
