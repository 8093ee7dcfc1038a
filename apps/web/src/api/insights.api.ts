import {
  DigestAcceptedSchema,
  DigestDtoSchema,
  SimulationAcceptedSchema,
  SimulationResultSchema,
  pageSchema,
  type SimulationRequest,
  type SimulationResult,
} from '@tt/shared';
import { z } from 'zod';
import { request } from './http';

const DigestPageSchema = pageSchema(DigestDtoSchema);
const SimulationAnswerSchema = z.union([SimulationResultSchema, SimulationAcceptedSchema]);

const SIMULATION_POLL_MS = 1_000;
const SIMULATION_WAIT_MS = 120_000;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

export const simulationsApi = {
  /** Runs a simulation; a heavy one answers 202 and is polled at its `pollUrl` until it is done. */
  simple: async (body: SimulationRequest, signal?: AbortSignal): Promise<SimulationResult> => {
    let answer = await request('/api/simulations/simple', {
      method: 'POST',
      json: body,
      schema: SimulationAnswerSchema,
      signal,
    });
    const deadline = Date.now() + SIMULATION_WAIT_MS;
    while ('pollUrl' in answer) {
      if (Date.now() > deadline) throw new Error('The simulation is taking too long. Try a shorter horizon.');
      await sleep(SIMULATION_POLL_MS, signal);
      answer = await request(answer.pollUrl, { schema: SimulationAnswerSchema, signal });
    }
    return answer;
  },
};

export const digestsApi = {
  latest: () => request('/api/digests/weekly/latest', { schema: DigestDtoSchema }),
  list: () => request('/api/digests', { query: { limit: 12 }, schema: DigestPageSchema }),
  build: () =>
    request('/api/digests/weekly', {
      method: 'POST',
      json: {},
      schema: DigestAcceptedSchema,
      idempotent: true,
    }),
};
