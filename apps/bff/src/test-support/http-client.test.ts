import { describe, expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TestClient } from '../modules/auth/auth.test-support';
import { signUpWith } from './http-client';

/** A client whose answers are scripted per URL; every request is recorded. */
function scriptedClient(answers: Record<string, { status: number; retryAfter?: string }[]>) {
  const requests: string[] = [];
  const client: TestClient = {
    cookies: new Map(),
    csrf: async () => 'token',
    async request(options: InjectOptions) {
      const url = String(options.url);
      requests.push(url);
      const answer = url === '/api/auth/me' ? { status: 200 } : (answers[url]?.shift() ?? { status: 201 });
      const body = url === '/api/auth/me' ? '{"id":"user-1"}' : '{}';
      return {
        statusCode: answer.status,
        headers: answer.retryAfter ? { 'retry-after': answer.retryAfter } : {},
        body,
        json: () => JSON.parse(body) as unknown,
      } as unknown as LightMyRequestResponse;
    },
  };
  return { client, requests };
}

describe('signUpWith', () => {
  it("waits out a 429's Retry-After and tries again", async () => {
    const { client, requests } = scriptedClient({ '/api/auth/login': [{ status: 429, retryAfter: '1' }] });
    const started = Date.now();
    expect((await signUpWith(client)).userId).toBe('user-1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(requests).toEqual(['/api/auth/signup', '/api/auth/login', '/api/auth/login', '/api/auth/me']);
  });

  it('fails on a 429 without Retry-After, and on any other refusal, naming the route', async () => {
    const limited = scriptedClient({ '/api/auth/signup': [{ status: 429 }] });
    await expect(signUpWith(limited.client)).rejects.toThrow('/api/auth/signup answered 429');
    const refused = scriptedClient({ '/api/auth/login': [{ status: 401 }] });
    await expect(signUpWith(refused.client)).rejects.toThrow('/api/auth/login answered 401');
  });
});
