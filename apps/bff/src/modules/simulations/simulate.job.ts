import { z } from 'zod';
import type { JobDefinition } from '../../infra/jobs';
import type { SimulationsService } from './simulations.service';

export const SimulateJobPayloadSchema = z.object({ simulationId: z.uuid() });
export type SimulateJobPayload = z.infer<typeof SimulateJobPayloadSchema>;

const ATTEMPTS = 3;

/** q_sim: a symbol-wide simulation too large to answer inline; its row holds the result or the problem. */
export function simulateJob(deps: {
  simulations: () => SimulationsService;
}): JobDefinition<SimulateJobPayload> {
  return {
    queue: 'q_sim',
    name: 'simulate.simple',
    payload: SimulateJobPayloadSchema,
    attempts: ATTEMPTS,
    handle: (job) => deps.simulations().runQueued(job.payload.simulationId, job.attempt >= ATTEMPTS),
  };
}
