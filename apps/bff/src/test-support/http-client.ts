import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TestClient } from '../modules/auth/auth.test-support';
import { mutationHeaders, TEST_PASSWORD } from '../modules/auth/auth.test-support';

/**
 * The browser-like test client over real HTTP, for a server in another process: same interface
 * as the `app.inject` one, so the same helpers (connect a broker, import) drive either.
 */
export function createHttpClient(baseUrl: string): TestClient {
  const jar = new Map<string, string>();
  let token: string | undefined;
  const client: TestClient = {
    cookies: jar,
    async request(options: InjectOptions) {
      const headers: Record<string, string> = { ...(options.headers as Record<string, string> | undefined) };
      if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      let body: string | undefined;
      if (options.payload !== undefined) {
        body = typeof options.payload === 'string' ? options.payload : JSON.stringify(options.payload);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${baseUrl}${String(options.url)}`, {
        method: options.method ?? 'GET',
        headers,
        ...(body === undefined ? {} : { body }),
        redirect: 'manual',
      });
      for (const cookie of res.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const [name, ...rest] = pair!.split('=');
        const value = rest.join('=');
        if (value === '' || /max-age=0/i.test(cookie)) jar.delete(name!);
        else jar.set(name!, value);
      }
      const text = await res.text();
      return {
        statusCode: res.status,
        headers: Object.fromEntries(res.headers),
        body: text,
        json: () => JSON.parse(text) as unknown,
      } as unknown as LightMyRequestResponse;
    },
    async csrf() {
      if (!token)
        token = ((await client.request({ method: 'GET', url: '/api/auth/csrf' })).json() as { token: string })
          .token;
      return token;
    },
  };
  return client;
}

// Long enough for the per-minute auth windows to pass, short enough that a broken limiter fails.
const MAX_RATE_LIMITED_WAIT_MS = 90_000;

/**
 * Signs a fresh user up and in through any test client. Verification suites sign many traders up
 * from one address, so, like a polite client, this waits out a 429's Retry-After and tries again.
 */
export async function signUpWith(client: TestClient): Promise<{ userId: string; email: string }> {
  const email = `trader-${Math.random().toString(36).slice(2, 10)}@example.com`;
  for (const url of ['/api/auth/signup', '/api/auth/login']) {
    const deadline = Date.now() + MAX_RATE_LIMITED_WAIT_MS;
    for (;;) {
      const res = await client.request({
        method: 'POST',
        url,
        headers: await mutationHeaders(client),
        payload: { email, password: TEST_PASSWORD },
      });
      const waitMs = Math.max(Number(res.headers['retry-after']) * 1000, 250);
      if (res.statusCode === 429 && Number.isFinite(waitMs) && Date.now() + waitMs < deadline) {
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        continue;
      }
      if (res.statusCode >= 300) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`);
      break;
    }
  }
  const me = (await client.request({ method: 'GET', url: '/api/auth/me' })).json() as { id: string };
  return { userId: me.id, email };
}
