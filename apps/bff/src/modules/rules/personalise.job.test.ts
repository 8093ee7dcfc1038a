import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { z } from 'zod';
import type { JobDefinition } from '../../infra/jobs';
import { personaliseRulesJob, withPersonalisation } from './personalise.job';
import type { RulesService } from './rules.service';

describe('withPersonalisation', () => {
  it('queues one personalisation run per user after the scoring job completes, and none when scoring fails', async () => {
    const calls: string[] = [];
    const scoreJob: JobDefinition<{ userId: string; fail?: boolean }> = {
      queue: 'q_score',
      name: 'score.bias',
      payload: z.object({ userId: z.string(), fail: z.boolean().optional() }),
      async handle(job) {
        calls.push(`score ${job.payload.userId}`);
        if (job.payload.fail) throw new Error('scoring failed');
      },
    };
    const personaliseJob = personaliseRulesJob({ rules: {} as RulesService });
    const jobs = {
      async enqueue(definition: JobDefinition<never>, payload: unknown, options?: { jobId?: string }) {
        calls.push(`enqueue ${definition.name} ${JSON.stringify(payload)} ${options?.jobId}`);
        return { jobId: options?.jobId ?? '', deduped: false };
      },
    };
    const wrapped = withPersonalisation(scoreJob, { jobs, personaliseJob });
    expect(wrapped).toMatchObject({ queue: 'q_score', name: 'score.bias' });
    const context = { id: 'j', name: 'score.bias', attempt: 1, log: pino({ level: 'silent' }), signal: new AbortController().signal };
    await wrapped.handle({ ...context, payload: { userId: 'u1' } });
    await expect(wrapped.handle({ ...context, payload: { userId: 'u2', fail: true } })).rejects.toThrow('scoring failed');
    expect(calls).toEqual(['score u1', 'enqueue rules.personalise {"userId":"u1"} personalise-u1', 'score u2']);
  });
});
