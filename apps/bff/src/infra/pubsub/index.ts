export type { PubSub } from './pubsub.port';
export { createMemoryPubSub } from './memory-pubsub';
export { createRedisPubSub } from './redis-pubsub';
