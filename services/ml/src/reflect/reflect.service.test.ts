import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReflectRequest } from '@tt/shared';
import { COACH_SYSTEM_PROMPT, type LlmOptions } from './reflect.llm';
import { offlineReflection } from './reflect.offline';
import { LruCache, createReflector } from './reflect.service';
import { GOOD_TEXT, startFakeLlmServer, type FakeLlmServer } from './test/fake-llm-server';

let fake: FakeLlmServer;
let seq = 0;
beforeAll(async () => {
  fake = await startFakeLlmServer();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.script = [];
  fake.requests = [];
});

/** A fresh request each time, so the cache never answers for another test. */
function request(overrides: Partial<ReflectRequest> = {}): ReflectRequest {
  seq++;
  return {
    features: {
      symbol: 'BTC-USD',
      pct_change_24h_before: 0.112,
      RSI_14: 78,
      BB_pos: 0.9,
      held_hours: seq,
      pnl_exit_quote: '-12.50',
    },
    label: 'FOMO',
    tone: 'supportive',
    ...overrides,
  };
}

const llm = (extra: Partial<LlmOptions> = {}): LlmOptions => ({
  baseUrl: fake.baseUrl,
  apiKey: 'sk-test-key',
  model: 'coach-mini',
  timeoutMs: 300,
  ...extra,
});

describe('createReflector with an LLM', () => {
  it('returns a good answer and sends only the feature summary, in JSON mode, with the system prompt', async () => {
    const req = request();
    const answer = await createReflector({ llm: llm() }).reflect(req);
    expect(answer).toEqual({ text: GOOD_TEXT, tone: 'supportive', bias: 'FOMO' });
    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!;
    expect(sent.authorization).toBe('Bearer sk-test-key');
    expect(sent.body).toMatchObject({ model: 'coach-mini', response_format: { type: 'json_object' } });
    const [system, user] = sent.body.messages as { role: string; content: string }[];
    expect(system).toEqual({ role: 'system', content: COACH_SYSTEM_PROMPT });
    expect(JSON.parse(user!.content)).toEqual({
      bias: 'FOMO',
      tone: 'supportive',
      trade: {
        symbol: 'BTC-USD',
        pct_change_24h_before: 0.112,
        RSI_14: 78,
        BB_pos: 0.9,
        held_hours: req.features.held_hours,
      },
    });
    expect(JSON.stringify(sent.body)).not.toContain('12.50');
  });

  it.each([
    ['advice', ['advice', 'advice']],
    ['garbage', ['garbage', 'garbage']],
    ['a wrong JSON shape', ['wrong-shape', 'wrong-shape']],
    ['an HTTP error', ['http-500', 'http-500']],
    ['timeouts', ['timeout', 'timeout']],
  ] as const)('falls back to the offline coach after %s, having retried once', async (_name, script) => {
    fake.script = [...script];
    const req = request({ tone: 'strict' });
    const started = performance.now();
    expect(await createReflector({ llm: llm() }).reflect(req)).toEqual(offlineReflection(req));
    expect(fake.requests).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('takes the retry when the first answer is rejected', async () => {
    fake.script = ['advice', 'good'];
    expect((await createReflector({ llm: llm() }).reflect(request())).text).toBe(GOOD_TEXT);
    expect(fake.requests).toHaveLength(2);
  });

  it('rejects an answer that does not echo the requested tone and bias', async () => {
    fake.script = ['good', 'good'];
    const req = request({ label: 'PANIC' });
    const reflector = createReflector({ llm: llm({ fetch: echoTamperingFetch }) });
    expect(await reflector.reflect(req)).toEqual(offlineReflection(req));
  });

  it('answers a repeated request from the cache', async () => {
    const reflector = createReflector({ llm: llm() });
    const req = request();
    const first = await reflector.reflect(req);
    expect(await reflector.reflect(structuredClone(req))).toEqual(first);
    expect(fake.requests).toHaveLength(1);
  });

  it('rests the LLM after repeated failures and asks again after the cooldown', async () => {
    let clock = 1_000;
    const reflector = createReflector({
      llm: llm({ breakerThreshold: 2, breakerCooldownMs: 30_000, now: () => clock }),
    });
    fake.script = ['garbage', 'garbage', 'garbage', 'garbage'];
    await reflector.reflect(request());
    await reflector.reflect(request());
    expect(fake.requests).toHaveLength(4);
    const resting = request();
    expect(await reflector.reflect(resting)).toEqual(offlineReflection(resting));
    expect(fake.requests).toHaveLength(4);
    clock += 30_000;
    expect((await reflector.reflect(request())).text).toBe(GOOD_TEXT);
    expect(fake.requests).toHaveLength(5);
  });

  it('uses the offline coach alone when no LLM is configured', async () => {
    const req = request();
    expect(await createReflector().reflect(req)).toEqual(offlineReflection(req));
    expect(fake.requests).toHaveLength(0);
  });
});

/** Forwards to the fake, then swaps the bias in the answer for another one. */
const echoTamperingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const payload = (await response.json()) as { choices: { message: { content: string } }[] };
  const answer = JSON.parse(payload.choices[0]!.message.content) as Record<string, string>;
  payload.choices[0]!.message.content = JSON.stringify({ ...answer, bias: 'FOMO' });
  return new Response(JSON.stringify(payload), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
};

describe('LruCache', () => {
  it('evicts the least recently used entry beyond its size', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.size]).toEqual([1, 3, 2]);
  });
});
