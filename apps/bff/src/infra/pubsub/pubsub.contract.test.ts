import { once } from 'node:events';
import { afterAll, describe, expect, it, vi } from 'vitest';
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

describe('Redis pub/sub start-up', () => {
  it('subscriptions made while the connection is still in its ready check receive messages', async () => {
    const duplicate = vi.spyOn(Redis.prototype, 'duplicate');
    const prefix = `tt:test:${randomUUID()}:`;
    const client = new Redis(url);
    clients.push(client);
    const pubsub = createRedisPubSub(client, prefix);
    opened.push(pubsub);
    const connection = duplicate.mock.results[0]!.value as Redis;
    duplicate.mockRestore();
    // Connected but not ready: ioredis 5 writes SUBSCRIBE at once here, which breaks its ready check.
    await once(connection, 'connect');
    const got: string[] = [];
    // Two modules of one process subscribing to one channel at once (sessions and sockets do).
    await Promise.all([
      pubsub.subscribe('early', (m) => got.push(`first:${m}`)),
      pubsub.subscribe('early', (m) => got.push(`second:${m}`)),
    ]);
    await waitFor(() => connection.status === 'ready');
    await pubsub.publish('early', 'hello');
    await waitFor(() => got.length === 2);
    expect(got).toEqual(['first:hello', 'second:hello']);
  });
});
