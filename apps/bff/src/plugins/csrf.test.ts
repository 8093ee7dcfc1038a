import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installProblemHandlers } from '@tt/shared/http';
import cookies, { CSRF_COOKIE } from './cookies';
import csrf, { issueCsrfToken } from './csrf';

const ORIGIN = 'http://127.0.0.1:3000';

describe('csrf plugin', () => {
  let app: FastifyInstance;
  let token: string;
  const withToken = (headers: Record<string, string> = {}) => ({
    cookie: `${CSRF_COOKIE}=${token}`,
    'x-csrf-token': token,
    ...headers,
  });

  beforeAll(async () => {
    app = Fastify();
    installProblemHandlers(app);
    await app.register(cookies);
    await app.register(csrf, { publicOrigin: `${ORIGIN}/`, exemptPrefixes: ['/sandbox/'] });
    app.get('/api/csrf', async (request, reply) => ({ token: issueCsrfToken(request, reply) }));
    app.get('/api/thing', async () => ({ ok: true }));
    app.route({
      method: ['POST', 'PUT', 'PATCH', 'DELETE'],
      url: '/api/thing',
      handler: async () => ({ ok: true }),
    });
    app.post('/sandbox/oauth/authorize', async () => ({ ok: true }));
    await app.ready();
    token = (await app.inject({ method: 'GET', url: '/api/csrf' })).json<{ token: string }>().token;
  });
  afterAll(() => app.close());

  it('issues a 256-bit token in a readable __Host- cookie', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/csrf' });
    const cookie = response.cookies.find((c) => c.name === CSRF_COOKIE);
    expect(cookie?.value).toBe(response.json<{ token: string }>().token);
    expect(Buffer.from(cookie!.value, 'base64url')).toHaveLength(32);
    expect(cookie).toMatchObject({ secure: true, path: '/', sameSite: 'Strict' });
    expect(cookie?.httpOnly).toBeUndefined();
    expect(cookie?.domain).toBeUndefined();
  });

  it('keeps the token a caller already holds', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/csrf',
      headers: { cookie: `${CSRF_COOKIE}=${token}` },
    });
    expect(response.json<{ token: string }>().token).toBe(token);
  });

  it('lets safe methods through without a token', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/thing' })).statusCode).toBe(200);
  });

  it('answers 403 problem+json to every mutating method without the token', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const response = await app.inject({ method, url: '/api/thing', headers: { origin: ORIGIN } });
      expect(response.statusCode).toBe(403);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ code: 'CSRF.TOKEN_MISSING', status: 403 });
    }
  });

  it('answers 403 when the header and the cookie differ, or only one is sent', async () => {
    const mismatch = await app.inject({
      method: 'POST',
      url: '/api/thing',
      headers: withToken({ 'x-csrf-token': 'A'.repeat(43) }),
    });
    expect(mismatch.json()).toMatchObject({ code: 'CSRF.TOKEN_MISMATCH' });
    const headerOnly = await app.inject({
      method: 'POST',
      url: '/api/thing',
      headers: { 'x-csrf-token': token },
    });
    expect(headerOnly.statusCode).toBe(403);
    const cookieOnly = await app.inject({
      method: 'POST',
      url: '/api/thing',
      headers: { cookie: `${CSRF_COOKIE}=${token}` },
    });
    expect(cookieOnly.statusCode).toBe(403);
  });

  it('accepts a matching token from our origin, or from a client that sends no Origin (curl)', async () => {
    expect(
      (await app.inject({ method: 'POST', url: '/api/thing', headers: withToken({ origin: ORIGIN }) }))
        .statusCode,
    ).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/thing', headers: withToken() })).statusCode).toBe(
      200,
    );
  });

  it('answers 403 to a foreign or opaque Origin even with a valid token', async () => {
    for (const origin of [
      'https://evil.example',
      'null',
      'http://127.0.0.1:3001',
      'https://127.0.0.1:3000',
    ]) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/thing',
        headers: withToken({ origin }),
      });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: 'CSRF.FOREIGN_ORIGIN' });
    }
  });

  it('checks Sec-Fetch-Site: same-origin and none pass, cross-site and same-site do not', async () => {
    const send = (site: string) =>
      app.inject({ method: 'POST', url: '/api/thing', headers: withToken({ 'sec-fetch-site': site }) });
    expect((await send('same-origin')).statusCode).toBe(200);
    expect((await send('none')).statusCode).toBe(200);
    expect((await send('cross-site')).statusCode).toBe(403);
    expect((await send('same-site')).statusCode).toBe(403);
  });

  it('leaves the broker sandbox, a separate exchange with its own consent form, alone', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/sandbox/oauth/authorize',
      headers: { origin: ORIGIN },
    });
    expect(response.statusCode).toBe(200);
  });
});
