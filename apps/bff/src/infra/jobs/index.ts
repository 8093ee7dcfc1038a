export {
  QUEUES,
  QUEUE_NAMES,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_BASE_MS,
  DEFAULT_GRACE_MS,
  PermanentJobError,
  type QueueName,
  type ConcurrencyOverrides,
  type JobDefinition,
  type JobContext,
  type EnqueueOptions,
  type EnqueueResult,
  type QueueStats,
  type DeadLetter,
  type JobEvent,
  type JobQueue,
} from './jobs.port';
export { JobErrors } from './jobs.errors';
export { retryDelayMs } from './jobs.policy';
export { createEmbeddedJobQueue, type EmbeddedJobQueueOptions } from './embedded-job-queue';
// The BullMQ driver is imported from './bullmq-job-queue' directly, so embedded mode never loads it.
