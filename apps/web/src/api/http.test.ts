import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { readCookie, request, setUnauthorizedHandler, withQuery } from './http';
import { ApiError } from './problem';

interface Call {
  url: string;
  init: RequestInit;
}

function stubFetch(answers: Response[]) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      const next = answers.shift();
      if (!next) throw new Error(`unexpected fetch ${url}`);
      return next;
    }),
  );
  return calls;
}

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
const headerOf = (call: Call, name: string) => (call.init.headers as Record<string, string>)[name];

let cookie = '';
beforeEach(() => {
  cookie = '__Host-tt_csrf=tok123; other=1';
  vi.stubGlobal('document', {
    get cookie() {
      return cookie;
    },
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
  setUnauthorizedHandler(() => undefined);
});

describe('readCookie', () => {
  it('finds a cookie by name', () => {
    expect(readCookie('__Host-tt_csrf', 'a=1; __Host-tt_csrf=x%3Dy')).toBe('x=y');
    expect(readCookie('missing', 'a=1')).toBeUndefined();
  });
});

describe('withQuery', () => {
  it('leaves out empty values', () => {
    expect(withQuery('/api/trades', { symbol: 'BTC-USD', side: '', cursor: undefined, limit: 500 })).toBe(
      '/api/trades?symbol=BTC-USD&limit=500',
    );
    expect(withQuery('/api/trades', {})).toBe('/api/trades');
  });
});

describe('request', () => {
  it('validates the answer with its schema', async () => {
    stubFetch([json(200, { token: 'abc', extra: 1 })]);
    await expect(request('/api/auth/csrf', { schema: z.object({ token: z.string() }) })).resolves.toEqual({
      token: 'abc',
    });
  });

  it('sends the CSRF cookie as X-CSRF-Token and an Idempotency-Key on creating POSTs', async () => {
    const calls = stubFetch([json(202, { ok: true })]);
    await request('/api/trades/import', { method: 'POST', json: {}, idempotent: true });
    expect(headerOf(calls[0]!, 'x-csrf-token')).toBe('tok123');
    expect(headerOf(calls[0]!, 'idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(headerOf(calls[0]!, 'content-type')).toBe('application/json');
    expect(calls[0]!.init.body).toBe('{}');
  });

  it('sends no CSRF header on reads', async () => {
    const calls = stubFetch([json(200, [])]);
    await request('/api/rules');
    expect(headerOf(calls[0]!, 'x-csrf-token')).toBeUndefined();
  });

  it('fetches a CSRF token when the cookie is missing', async () => {
    cookie = '';
    const calls = stubFetch([json(200, { token: 'fresh' }), new Response(null, { status: 204 })]);
    await expect(request('/api/auth/logout', { method: 'POST' })).resolves.toBeUndefined();
    expect(calls.map((c) => c.url)).toEqual(['/api/auth/csrf', '/api/auth/logout']);
    expect(headerOf(calls[1]!, 'x-csrf-token')).toBe('fresh');
  });

  it('retries once with a fresh token when the server says the token is stale', async () => {
    const calls = stubFetch([
      json(
        403,
        { type: 't', title: 'The CSRF token does not match', status: 403, code: 'CSRF.TOKEN_MISMATCH' },
        'application/problem+json',
      ),
      json(200, { token: 'new' }),
      json(200, { ok: true }),
    ]);
    await expect(request('/api/rules/upsert', { method: 'POST', json: {} })).resolves.toEqual({ ok: true });
    expect(calls.map((c) => c.url)).toEqual(['/api/rules/upsert', '/api/auth/csrf', '/api/rules/upsert']);
    expect(headerOf(calls[2]!, 'x-csrf-token')).toBe('new');
  });

  it('throws the problem as an ApiError', async () => {
    stubFetch([
      json(
        422,
        {
          type: 't',
          title: 'The key can trade',
          status: 422,
          code: 'BROKERS.KEY_NOT_READ_ONLY',
          detail: 'Spot trading is enabled.',
        },
        'application/problem+json',
      ),
    ]);
    const error = await request('/api/brokers/binance/connect/start', { method: 'POST', json: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(422);
    expect((error as ApiError).code).toBe('BROKERS.KEY_NOT_READ_ONLY');
    expect((error as ApiError).message).toBe('Spot trading is enabled.');
  });

  it('hands a lost session to the app, but not a wrong password', async () => {
    const onUnauthorized = vi.fn();
    setUnauthorizedHandler(onUnauthorized);
    stubFetch([
      json(401, { type: 't', title: 'Sign in to continue', status: 401, code: 'HTTP.UNAUTHENTICATED' }),
      json(401, {
        type: 't',
        title: 'Email or password is incorrect',
        status: 401,
        code: 'AUTH.INVALID_CREDENTIALS',
      }),
    ]);
    await expect(request('/api/trades')).rejects.toBeInstanceOf(ApiError);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    await expect(request('/api/auth/login', { method: 'POST', json: {} })).rejects.toBeInstanceOf(ApiError);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('reports an answer of the wrong shape instead of passing it on', async () => {
    stubFetch([json(200, { items: 'nope' })]);
    const error = await request('/api/rules', { schema: z.object({ items: z.array(z.string()) }) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).problem.title).toBe('The server answered in an unexpected shape');
    expect((error as ApiError).problem.detail).toContain('items');
  });
});
