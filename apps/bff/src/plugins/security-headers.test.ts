import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { createMetricsRegistry } from '../observability/metrics-registry';
import { createTestApp, type TestApp } from '../test-support/test-app';
import securityHeaders from './security-headers';

function expectSecurityHeaders(response: LightMyRequestResponse, llmOrigin?: string) {
  const h = response.headers;
  const csp = String(h['content-security-policy']);
  const directives = new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
  expect(directives.get('default-src')).toEqual(["'self'"]);
  expect(directives.get('script-src')).toEqual(["'self'"]);
  expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  expect(directives.get('object-src')).toEqual(["'none'"]);
  expect(directives.get('img-src')).toEqual(["'self'", 'data:']);
  expect(directives.get('connect-src')).toEqual(llmOrigin ? ["'self'", llmOrigin] : ["'self'"]);
  expect(csp).not.toContain('unsafe-eval');
  expect(h['strict-transport-security']).toBe('max-age=31536000; includeSubDomains; preload');
  expect(h['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(String(h['permissions-policy'])).toMatch(/camera=\(\).*geolocation=\(\).*microphone=\(\)/);
  expect(h['x-content-type-options']).toBe('nosniff');
  expect(h['x-frame-options']).toBe('DENY');
  expect(h['cross-origin-opener-policy']).toBe('same-origin');
  expect(h['cross-origin-resource-policy']).toBe('same-origin');
}

describe('security headers', () => {
  let t: TestApp;
  let withWeb: FastifyInstance;
  let webRoot: string;

  beforeAll(async () => {
    t = await createTestApp({ worker: false, env: { LLM_BASE_URL: 'https://llm.example.com/v1' } });
    webRoot = await mkdtemp(join(tmpdir(), 'tt-web-'));
    await mkdir(join(webRoot, 'assets'));
    await writeFile(
      join(webRoot, 'index.html'),
      '<!doctype html><title>Trading Twin</title><script type="module" src="/assets/app.js"></script>',
    );
    await writeFile(join(webRoot, 'assets', 'app.js'), 'export {};');
    withWeb = await buildApp({
      platform: t.platform,
      services: t.services,
      metrics: createMetricsRegistry(),
      webRoot,
    });
    await withWeb.ready();
  });
  afterAll(async () => {
    await withWeb.close();
    await t.close();
    await rm(webRoot, { recursive: true, force: true });
  });

  it('are on the web app page and its static files', async () => {
    const page = await withWeb.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expectSecurityHeaders(page, 'https://llm.example.com');
    const asset = await withWeb.inject({ method: 'GET', url: '/assets/app.js' });
    expect(asset.statusCode).toBe(200);
    expectSecurityHeaders(asset, 'https://llm.example.com');
  });

  it('are on / and a 404 of the API-only app', async () => {
    for (const url of ['/', '/api/no-such-thing']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(404);
      expectSecurityHeaders(response, 'https://llm.example.com');
    }
  });

  it('are on a 401 from /api/auth/me, with no-store on API answers', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/auth/me' });
    expect(response.statusCode).toBe(401);
    expectSecurityHeaders(response, 'https://llm.example.com');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('are on a CSRF refusal', async () => {
    const refused = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: {} });
    expect(refused.statusCode).toBe(403);
    expectSecurityHeaders(refused, 'https://llm.example.com');
  });

  it('leave the LLM origin out of connect-src when none is configured', async () => {
    const plain = Fastify();
    await plain.register(securityHeaders, {});
    plain.get('/api/ping', async () => ({ ok: true }));
    try {
      expectSecurityHeaders(await plain.inject({ method: 'GET', url: '/api/ping' }));
    } finally {
      await plain.close();
    }
  });
});
