import { z } from 'zod';
import type { JobDefinition } from '../../infra/jobs';
import type { DigestsService } from './digests.service';

export const DigestJobPayloadSchema = z.object({
  userId: z.uuid(),
  /** The week's Monday in the user's time zone. */
  firstDay: z.iso.date(),
  /** `schedule` skips a week already built; `request` (the button) builds it again. */
  trigger: z.enum(['schedule', 'request']),
});
export type DigestJobPayload = z.infer<typeof DigestJobPayloadSchema>;

/** q_digest: one user's weekly digest; job id `digest-<userId>-<firstDay>` so every worker agrees. */
export function buildDigestJob(deps: { digests: () => DigestsService }): JobDefinition<DigestJobPayload> {
  return {
    queue: 'q_digest',
    name: 'digest.weekly',
    payload: DigestJobPayloadSchema,
    handle: (job) => deps.digests().build(job.payload),
  };
}
