import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createMemoryNonceStore } from '../auth/auth.nonce-store';
import { startFakeLlmServer, type FakeLlmServer } from '../reflect/test/fake-llm-server';
import { createMlApp } from './ml.app';
import { signedInject, TEST_SECRET } from './test/signed-inject';

let llm: FakeLlmServer;
beforeAll(async () => {
  llm = await startFakeLlmServer();
});
afterAll(() => llm.close());

describe('ML service metrics', () => {
  it('counts an offline answer given because the LLM failed, on an unsigned GET /metrics', async () => {
    const metrics = new Registry();
    const app = createMlApp({
      hmacSecret: TEST_SECRET,
      nonceStore: createMemoryNonceStore(),
      llm: { baseUrl: llm.baseUrl, model: 'coach-mini', timeoutMs: 1_000 },
      metrics,
    });
    llm.script.push('http-500', 'http-500');
    const reflected = await signedInject(app, {
      url: '/v1/nlg/reflect',
      body: { features: { RSI_14: 80 }, label: 'FOMO', tone: 'supportive' },
    });
    expect(reflected.statusCode).toBe(200);
    const scraped = await app.inject({ url: '/metrics' });
    expect(scraped.statusCode).toBe(200);
    expect(scraped.headers['content-type']).toContain('text/plain');
    expect(scraped.body).toContain('ml_llm_fallbacks_total{reason="llm_failed"} 1');
    await app.close();
  });

  it('serves no /metrics when the app is given no registry', async () => {
    const app = createMlApp({ hmacSecret: TEST_SECRET, nonceStore: createMemoryNonceStore() });
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(404);
    await app.close();
  });
});
