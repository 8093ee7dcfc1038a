import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installProblemHandlers } from '@tt/shared/http';
import cookies, { SESSION_COOKIE } from './cookies';
import authSession, { authenticate, requireUser } from './auth-session';

const LIVE = 'L'.repeat(43);
const alice = {
  userId: '00000000-0000-4000-8000-000000000001',
  sessionId: '00000000-0000-4000-8000-0000000000a1',
};

describe('auth-session plugin', () => {
  let app: FastifyInstance;
  const looked: string[] = [];

  beforeAll(async () => {
    app = Fastify();
    installProblemHandlers(app);
    await app.register(cookies);
    await app.register(authSession, {
      resolveToken: async (token) => {
        looked.push(token);
        return token === LIVE ? alice : null;
      },
    });
    app.get('/open', async (request) => ({ auth: request.auth }));
    app.get('/private', { preHandler: authenticate }, async (request) => requireUser(request));
    await app.ready();
  });
  afterAll(() => app.close());

  it('resolves the session cookie into request.auth on every request', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/open',
      headers: { cookie: `${SESSION_COOKIE}=${LIVE}` },
    });
    expect(response.json()).toEqual({ auth: alice });
  });

  it('leaves request.auth null without a cookie, and looks nothing up', async () => {
    looked.length = 0;
    expect((await app.inject({ method: 'GET', url: '/open' })).json()).toEqual({ auth: null });
    expect(looked).toEqual([]);
  });

  it('answers 401 problem+json on an authenticated route without a live session', async () => {
    const response = await app.inject({ method: 'GET', url: '/private' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'HTTP.UNAUTHENTICATED', status: 401 });
    const ok = await app.inject({
      method: 'GET',
      url: '/private',
      headers: { cookie: `${SESSION_COOKIE}=${LIVE}` },
    });
    expect(ok.json()).toEqual(alice);
  });

  it('clears a dead session cookie so the browser stops sending it', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/open',
      headers: { cookie: `${SESSION_COOKIE}=${'D'.repeat(43)}` },
    });
    const cleared = response.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(cleared?.value).toBe('');
  });

  it('resolves a raw Cookie header for the WebSocket upgrade through app.sessions', async () => {
    expect(await app.sessions.resolveSession(`theme=dark; ${SESSION_COOKIE}=${LIVE}`)).toEqual(alice);
    expect(await app.sessions.resolveSession(`${SESSION_COOKIE}=${'D'.repeat(43)}`)).toBeNull();
    expect(await app.sessions.resolveSession('theme=dark')).toBeNull();
    expect(await app.sessions.resolveSession(undefined)).toBeNull();
  });
});
