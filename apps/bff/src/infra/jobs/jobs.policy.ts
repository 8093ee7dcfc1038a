import { zodFieldErrors } from '@tt/shared';
import { JobErrors } from './jobs.errors';
import {
  DEFAULT_ATTEMPTS,
  PermanentJobError,
  QUEUES,
  type ConcurrencyOverrides,
  type EnqueueOptions,
  type JobDefinition,
  type QueueName,
} from './jobs.port';

/** The rules both drivers share, so that they behave the same by construction. */

export const INTERRUPTED_ON_LAST_ATTEMPT =
  'The job was interrupted on its last attempt (its process died or lost the job)';

export function retryDelayMs(attempt: number, backoffBaseMs: number): number {
  return backoffBaseMs * 2 ** (attempt - 1);
}

export function maxAttemptsOf(definition: JobDefinition<unknown>): number {
  return definition.attempts ?? DEFAULT_ATTEMPTS;
}

export function concurrencyOf(queue: QueueName, overrides: ConcurrencyOverrides | undefined): number {
  return overrides?.[queue] ?? QUEUES[queue].concurrency;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Parses a payload with the definition's schema; a mismatch is permanent (it will not heal by retrying). */
export function parsePayload<P>(definition: JobDefinition<P>, payload: unknown): P {
  const result = definition.payload.safeParse(payload);
  if (result.success) return result.data;
  const fields = zodFieldErrors(result.error, 'payload');
  throw JobErrors.INVALID_PAYLOAD({
    detail: `Invalid payload for job ${definition.queue}/${definition.name}: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`,
    errors: fields,
  });
}

/** BullMQ's rules for custom ids, applied on both drivers so an id valid on one is valid on the other. */
export function checkEnqueueOptions(options: EnqueueOptions): void {
  const { jobId, delayMs } = options;
  if (jobId !== undefined) {
    const problem =
      jobId.length === 0 || jobId.length > 255
        ? 'must have 1 to 255 characters'
        : jobId.includes(':')
          ? 'must not contain ":"'
          : `${Number.parseInt(jobId, 10)}` === jobId
            ? 'must not be an integer'
            : undefined;
    if (problem) throw JobErrors.INVALID_OPTIONS({ detail: `jobId "${jobId}" ${problem}` });
  }
  if (delayMs !== undefined && !(Number.isFinite(delayMs) && delayMs >= 0)) {
    throw JobErrors.INVALID_OPTIONS({ detail: `delayMs must be a finite number >= 0, got ${delayMs}` });
  }
}

export interface JobRegistry {
  add(definition: JobDefinition<unknown>): void;
  find(queue: QueueName, name: string): JobDefinition<unknown> | undefined;
  /** Queues that have at least one handler: the ones a worker processes. */
  queues(): QueueName[];
}

export function createJobRegistry(): JobRegistry {
  const byQueue = new Map<QueueName, Map<string, JobDefinition<unknown>>>();
  return {
    add(definition) {
      if (!(definition.queue in QUEUES)) {
        throw JobErrors.INVALID_DEFINITION({ detail: `Unknown queue "${definition.queue}"` });
      }
      const attempts = maxAttemptsOf(definition);
      if (!Number.isInteger(attempts) || attempts < 1) {
        throw JobErrors.INVALID_DEFINITION({
          detail: `${definition.name}: attempts must be an integer >= 1`,
        });
      }
      const names = byQueue.get(definition.queue) ?? new Map<string, JobDefinition<unknown>>();
      if (names.has(definition.name)) {
        throw JobErrors.INVALID_DEFINITION({
          detail: `Job ${definition.queue}/${definition.name} is already registered`,
        });
      }
      names.set(definition.name, definition);
      byQueue.set(definition.queue, names);
    },
    find: (queue, name) => byQueue.get(queue)?.get(name),
    queues: () => [...byQueue.keys()],
  };
}

export type FailureOutcome =
  { kind: 'retry'; error: string; delayMs: number } | { kind: 'dead'; error: string };

/** After a failed run: retry with exponential backoff, or give up on a permanent error or the last attempt. */
export function decideFailure(
  error: unknown,
  attempt: number,
  maxAttempts: number,
  backoffBaseMs: number,
): FailureOutcome {
  const message = errorMessage(error);
  if (error instanceof PermanentJobError || attempt >= maxAttempts) return { kind: 'dead', error: message };
  return { kind: 'retry', error: message, delayMs: retryDelayMs(attempt, backoffBaseMs) };
}
