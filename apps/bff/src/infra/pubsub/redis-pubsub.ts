import type { Redis } from 'ioredis';
import type { PubSub } from './pubsub.port';

/**
 * Redis pub/sub. A subscribed connection cannot issue other commands, so this owns a duplicate
 * of the given client for subscriptions and publishes on the original.
 */
export function createRedisPubSub(redis: Redis, prefix = 'tt:events:'): PubSub {
  const subscriber = redis.duplicate();
  // Reconnects are ioredis's job; an error here must not become an unhandled 'error' event.
  subscriber.on('error', () => undefined);
  const handlers = new Map<string, Set<(message: string) => void>>();
  subscriber.on('message', (channel: string, message: string) => {
    for (const handler of handlers.get(channel) ?? []) handler(message);
  });
  return {
    publish: async (channel, message) => {
      await redis.publish(prefix + channel, message);
    },
    subscribe: async (channel, handler) => {
      const full = prefix + channel;
      let set = handlers.get(full);
      if (!set) {
        set = new Set();
        handlers.set(full, set);
        await subscriber.subscribe(full);
      }
      set.add(handler);
      return async () => {
        set.delete(handler);
        if (set.size === 0) {
          handlers.delete(full);
          await subscriber.unsubscribe(full);
        }
      };
    },
    ping: async () => {
      await redis.ping();
    },
    close: async () => {
      handlers.clear();
      subscriber.disconnect();
    },
  };
}
