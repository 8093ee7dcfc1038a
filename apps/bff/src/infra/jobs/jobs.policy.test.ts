import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_BACKOFF_BASE_MS, PermanentJobError, type JobDefinition } from './jobs.port';
import { checkEnqueueOptions, createJobRegistry, decideFailure, retryDelayMs } from './jobs.policy';

const definition: JobDefinition<{ n: number }> = {
  queue: 'q_score',
  name: 'score.trade',
  payload: z.object({ n: z.number() }),
  handle: async () => undefined,
};

describe('job policy', () => {
  it('waits 500, 1000, 2000 and 4000 ms between the five default attempts', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, DEFAULT_BACKOFF_BASE_MS))).toEqual([
      500, 1000, 2000, 4000,
    ]);
  });

  it('retries until the last attempt, then gives up with the error message', () => {
    expect(decideFailure(new Error('timeout'), 2, 5, 500)).toEqual({
      kind: 'retry',
      error: 'timeout',
      delayMs: 1000,
    });
    expect(decideFailure(new Error('timeout'), 5, 5, 500)).toEqual({ kind: 'dead', error: 'timeout' });
  });

  it('gives up at once on a PermanentJobError', () => {
    expect(decideFailure(new PermanentJobError('revoked'), 1, 5, 500)).toEqual({
      kind: 'dead',
      error: 'revoked',
    });
  });

  it('accepts the job ids BullMQ accepts and rejects the others', () => {
    expect(() => checkEnqueueOptions({ jobId: 'import-user-1-2024-05' })).not.toThrow();
    for (const jobId of ['', '17', 'a:b', 'x'.repeat(256)]) {
      expect(() => checkEnqueueOptions({ jobId }), jobId).toThrow(
        expect.objectContaining({ code: 'JOBS.INVALID_OPTIONS' }),
      );
    }
    expect(() => checkEnqueueOptions({ delayMs: -1 })).toThrow(
      expect.objectContaining({ code: 'JOBS.INVALID_OPTIONS' }),
    );
  });

  it('refuses a second handler for the same job name in a queue', () => {
    const registry = createJobRegistry();
    registry.add(definition);
    expect(() => registry.add(definition)).toThrow(
      expect.objectContaining({ code: 'JOBS.INVALID_DEFINITION' }),
    );
    expect(registry.queues()).toEqual(['q_score']);
    expect(registry.find('q_score', 'score.trade')).toBe(definition);
  });
});
