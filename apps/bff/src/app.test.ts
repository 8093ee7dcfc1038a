import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './test-support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const isProblem = (res: { headers: Record<string, unknown>; body: string }) => {
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status: expect.any(Number),
  });
  expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  return body;
};

describe('BFF skeleton', () => {
  it('answers /healthz and names every dependency and its driver on /readyz', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ok',
      checks: {
        database: { ok: true, driver: 'pglite' },
        queue: { ok: true, driver: 'embedded' },
        cache: { ok: true, driver: 'memory' },
        ml: { ok: true, driver: 'in-process' },
      },
    });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await t.app.inject({ url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(isProblem(res)).toMatchObject({ status: 404, detail: 'No route for GET /api/nothing-here.' });
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/login' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST');
    isProblem(res);
  });

  it('answers malformed JSON with a 400 problem, not a 500', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' },
      payload: '{"email": ',
    });
    expect([400, 403]).toContain(res.statusCode);
    isProblem(res);
  });

  it('answers an oversized body with a 413 problem', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect([403, 413]).toContain(res.statusCode);
    isProblem(res);
  });

  it('answers an unsupported content type with a 415 problem', async () => {
    const csrf = await t.app.inject({ url: '/api/auth/csrf' });
    const token = (csrf.json() as { token: string }).token;
    const cookie = csrf.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: {
        'content-type': 'application/xml',
        origin: 'http://127.0.0.1:3000',
        'x-csrf-token': token,
        cookie,
      },
      payload: '<login/>',
    });
    expect(res.statusCode).toBe(415);
    isProblem(res);
  });

  it('echoes a request id and generates one when none is given', async () => {
    const given = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'req-1234567890' } });
    expect(given.headers['x-request-id']).toBe('req-1234567890');
    const fresh = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
