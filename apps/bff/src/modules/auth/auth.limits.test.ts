import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import {
  TEST_PASSWORD,
  createTestClient,
  mutationHeaders,
  nextTestIp,
  signUpAndLogIn,
} from './auth.test-support';

describe('auth routes: rate limits and account lockout', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ worker: false });
  });
  afterAll(() => t.close());

  it('answers the 11th–21st login within a minute from one IP with 429 and Retry-After', async () => {
    const { email } = await signUpAndLogIn(t.app, { remoteAddress: nextTestIp() });
    const client = createTestClient(t.app, { remoteAddress: nextTestIp() });
    const headers = await mutationHeaders(client);
    const codes: number[] = [];
    let last;
    for (let i = 0; i < 21; i++) {
      last = await client.request({
        method: 'POST',
        url: '/api/auth/login',
        headers,
        payload: { email, password: TEST_PASSWORD },
      });
      codes.push(last.statusCode);
    }
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(codes.slice(10)).toEqual(Array(11).fill(429));
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(last!.headers['ratelimit-limit']).toBeDefined();
    expect(last!.json()).toMatchObject({ code: 'HTTP.RATE_LIMITED', status: 429 });
  });

  it('caps anonymous auth traffic from one IP at 20 a minute, so alternating routes cannot double the rate', async () => {
    const client = createTestClient(t.app, { remoteAddress: nextTestIp() });
    const headers = await mutationHeaders(client);
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const login = await client.request({
        method: 'POST',
        url: '/api/auth/login',
        headers,
        payload: { email: `burst-${i}@example.com`, password: 'wrong password here' },
      });
      codes.push(login.statusCode);
    }
    for (let i = 0; i < 10; i++) {
      const signup = await client.request({
        method: 'POST',
        url: '/api/auth/signup',
        headers,
        payload: { email: 'burst@example.com', password: 'short' },
      });
      codes.push(signup.statusCode);
    }
    expect(codes).toEqual([...Array(10).fill(401), ...Array(9).fill(400), 429]);
  });

  it('slows an account down after repeated failures from many IPs, known or unknown alike', async () => {
    const { email } = await signUpAndLogIn(t.app, { remoteAddress: nextTestIp() });
    for (const target of [email, 'ghost-account@example.com']) {
      for (let i = 0; i < 10; i++) {
        const client = createTestClient(t.app, { remoteAddress: nextTestIp() });
        const response = await client.request({
          method: 'POST',
          url: '/api/auth/login',
          headers: await mutationHeaders(client),
          payload: { email: target, password: `wrong guess number ${i}` },
        });
        expect(response.statusCode).toBe(401);
      }
      const client = createTestClient(t.app, { remoteAddress: nextTestIp() });
      const locked = await client.request({
        method: 'POST',
        url: '/api/auth/login',
        headers: await mutationHeaders(client),
        payload: { email: target, password: TEST_PASSWORD },
      });
      expect(locked.statusCode).toBe(429);
      expect(locked.json()).toMatchObject({ code: 'AUTH.LOGIN_THROTTLED' });
      expect(Number(locked.headers['retry-after'])).toBe(30);
    }
  });
});
