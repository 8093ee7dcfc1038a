import type { PubSub } from './pubsub.port';

export function createMemoryPubSub(): PubSub {
  const channels = new Map<string, Set<(message: string) => void>>();
  return {
    publish: async (channel, message) => {
      // Delivered asynchronously, like Redis, so publishers never run subscriber code inline.
      for (const handler of channels.get(channel) ?? []) queueMicrotask(() => handler(message));
    },
    subscribe: async (channel, handler) => {
      const set = channels.get(channel) ?? new Set();
      set.add(handler);
      channels.set(channel, set);
      return async () => {
        set.delete(handler);
        if (set.size === 0) channels.delete(channel);
      };
    },
    ping: async () => undefined,
    close: async () => channels.clear(),
  };
}
