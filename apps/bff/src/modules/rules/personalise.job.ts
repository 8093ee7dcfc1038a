import { z } from 'zod';
import type { JobDefinition, JobQueue } from '../../infra/jobs';
import type { RulesService } from './rules.service';

export const PersonaliseJobPayloadSchema = z.object({ userId: z.uuid() });
export type PersonaliseJobPayload = z.infer<typeof PersonaliseJobPayloadSchema>;

/** q_score: re-runs personalisation for one user (nothing below 30 trades); a change re-scores. */
export function personaliseRulesJob(deps: { rules: RulesService }): JobDefinition<PersonaliseJobPayload> {
  return {
    queue: 'q_score',
    name: 'rules.personalise',
    payload: PersonaliseJobPayloadSchema,
    async handle(job) {
      await deps.rules.personalise(job.payload.userId);
    },
  };
}

/**
 * The scoring job followed by personalisation: once a user's trades are scored, their thresholds
 * are updated from the fresh features. One pending run per user (job id `personalise-<userId>`);
 * when it changes a threshold the re-score it triggers runs this again, which then changes
 * nothing, so the loop ends.
 */
export function withPersonalisation<P extends { userId: string }>(
  scoreJob: JobDefinition<P>,
  deps: { jobs: Pick<JobQueue, 'enqueue'>; personaliseJob: JobDefinition<PersonaliseJobPayload> },
): JobDefinition<P> {
  return {
    ...scoreJob,
    async handle(job) {
      await scoreJob.handle(job);
      await deps.jobs.enqueue(
        deps.personaliseJob,
        { userId: job.payload.userId },
        { jobId: `personalise-${job.payload.userId}` },
      );
    },
  };
}
