import Fastify, { type FastifyInstance } from 'fastify';
import { sandboxPlugin } from '@tt/broker-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapters } from './create-adapters';
import { collect } from './test-support/adapters';
import { connectSandboxCoinbase, sandboxAdaptersConfig } from './test-support/sandbox-oauth';
import { fixedTokens, last30Days } from './test-support/sandbox-session';

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  app = Fastify();
  await app.register(sandboxPlugin, { prefix: '/sandbox', seed: 3 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/sandbox`;
});

afterAll(async () => {
  await app?.close();
});

describe('adapters against a sandbox mounted under /sandbox (embedded mode)', () => {
  it('connects, imports and signs with the prefix kept in every URL', async () => {
    const adapters = createAdapters(sandboxAdaptersConfig(base));
    const tokens = await connectSandboxCoinbase(adapters, 'demo');
    const fills = (
      await collect(adapters.coinbase.fetchFills({ credentials: fixedTokens(tokens), ...last30Days() }))
    ).flatMap((p) => p.fills);
    expect(fills.length).toBeGreaterThan(200);

    const registered = await fetch(`${base}/__sandbox/binance/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: 'mounted-read', secret: 'sbx_sk_mounted' }),
    });
    expect(registered.status).toBe(201);
    await registered.text();
    const credentials = { get: async () => ({ apiKey: 'mounted-read', apiSecret: 'sbx_sk_mounted' }) };
    expect(await adapters.binance!.verifyReadOnly(credentials)).toEqual({ scopes: ['read'] });
  });
});
