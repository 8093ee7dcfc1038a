import { DigestDtoSchema, SimulationResultSchema, pageSchema, type SimulationRequest } from '@tt/shared';
import { request } from './http';

const DigestPageSchema = pageSchema(DigestDtoSchema);

export const simulationsApi = {
  simple: (body: SimulationRequest) => request('/api/simulations/simple', { method: 'POST', json: body, schema: SimulationResultSchema }),
};

export const digestsApi = {
  latest: () => request('/api/digests/weekly/latest', { schema: DigestDtoSchema }),
  list: () => request('/api/digests', { query: { limit: 12 }, schema: DigestPageSchema }),
  build: () => request('/api/digests/weekly', { method: 'POST', json: {}, idempotent: true }),
};
