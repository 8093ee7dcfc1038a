import type { Redis } from 'ioredis';
import type { PubSub } from './pubsub.port';

interface Channel {
  handlers: Set<(message: string) => void>;
  /** Settles once Redis confirmed the subscription; every subscriber of the channel waits for it. */
  subscribed: Promise<void>;
}

/**
 * Redis pub/sub. A subscribed connection cannot issue other commands, so this owns a duplicate
 * of the given client for subscriptions and publishes on the original.
 */
export function createRedisPubSub(redis: Redis, prefix = 'tt:events:'): PubSub {
  const subscriber = redis.duplicate();
  // Reconnects are ioredis's job; an error here must not become an unhandled 'error' event.
  subscriber.on('error', () => undefined);
  const channels = new Map<string, Channel>();
  subscriber.on('message', (channel: string, message: string) => {
    for (const handler of channels.get(channel)?.handlers ?? []) handler(message);
  });
  const open = async (full: string) => {
    // ioredis 5 writes SUBSCRIBE at once on a connection still in its ready check, which then
    // fails ("only subscriber commands") and reconnects without the channel. A PING waits in the
    // offline queue until the connection is ready (or fails after the client's retries).
    if (subscriber.status !== 'ready') await subscriber.ping();
    await subscriber.subscribe(full);
  };
  return {
    publish: async (channel, message) => {
      await redis.publish(prefix + channel, message);
    },
    subscribe: async (channel, handler) => {
      const full = prefix + channel;
      let entry = channels.get(full);
      if (!entry) {
        const created: Channel = { handlers: new Set(), subscribed: open(full) };
        // A failed subscription is forgotten, so that the next subscriber tries again.
        created.subscribed.catch(() => {
          if (channels.get(full) === created) channels.delete(full);
        });
        channels.set(full, created);
        entry = created;
      }
      const { handlers } = entry;
      handlers.add(handler);
      try {
        await entry.subscribed;
      } catch (error) {
        handlers.delete(handler);
        throw error;
      }
      return async () => {
        handlers.delete(handler);
        if (handlers.size === 0 && channels.get(full) === entry) {
          channels.delete(full);
          await subscriber.unsubscribe(full);
        }
      };
    },
    ping: async () => {
      await redis.ping();
    },
    close: async () => {
      channels.clear();
      subscriber.disconnect();
    },
  };
}
