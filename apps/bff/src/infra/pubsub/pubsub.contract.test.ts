import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createMemoryPubSub } from './memory-pubsub';
import { createRedisPubSub } from './redis-pubsub';
import type { PubSub } from './pubsub.port';

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const clients: Redis[] = [];
const opened: PubSub[] = [];
afterAll(async () => {
  await Promise.all(opened.map((p) => p.close()));
  await Promise.all(clients.map((c) => c.quit()));
});

function redisPair(): [PubSub, PubSub] {
  const prefix = `tt:test:${randomUUID()}:`;
  const make = () => {
    const client = new Redis(url);
    clients.push(client);
    const ps = createRedisPubSub(client, prefix);
    opened.push(ps);
    return ps;
  };
  return [make(), make()];
}

function memoryPair(): [PubSub, PubSub] {
  const ps = createMemoryPubSub();
  return [ps, ps];
}

const waitFor = async (check: () => boolean, ms = 2000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting for message');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe.each([
  ['memory', memoryPair],
  ['redis', redisPair],
] as const)('PubSub contract (%s)', (_name, pair) => {
  it('delivers a message published by one process to a subscriber in another, in order', async () => {
    const [publisher, subscriber] = pair();
    const got: string[] = [];
    await subscriber.subscribe('user:1', (m) => got.push(m));
    for (let i = 0; i < 10; i++) await publisher.publish('user:1', String(i));
    await waitFor(() => got.length === 10);
    expect(got).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('keeps channels apart and stops after unsubscribe', async () => {
    const [publisher, subscriber] = pair();
    const a: string[] = [];
    const b: string[] = [];
    const offA = await subscriber.subscribe('a', (m) => a.push(m));
    await subscriber.subscribe('b', (m) => b.push(m));
    await publisher.publish('a', 'for-a');
    await publisher.publish('b', 'for-b');
    await waitFor(() => a.length === 1 && b.length === 1);
    await offA();
    await publisher.publish('a', 'late');
    await publisher.publish('b', 'marker');
    await waitFor(() => b.length === 2);
    expect(a).toEqual(['for-a']);
    expect(b).toEqual(['for-b', 'marker']);
  });
});
