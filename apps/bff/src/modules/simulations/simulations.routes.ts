import type { FastifyInstance } from 'fastify';
import { requireUser } from '../../plugins/auth-session';
import { BLUEPRINT_LIMITS } from '../../plugins/rate-limit';
import type { SimulationsService } from './simulations.service';

export async function simulationsRoutes(app: FastifyInstance, opts: { simulations: SimulationsService }) {
  app.post(
    '/api/simulations/simple',
    { config: { rateLimit: BLUEPRINT_LIMITS.simulationsSimple } },
    async (request, reply) => {
      const { userId } = requireUser(request);
      const answer = await opts.simulations.simulate(userId, request.body);
      return reply.code(answer.status).send(answer.body);
    },
  );
  app.get<{ Params: { id: string } }>('/api/simulations/:id', async (request, reply) => {
    const { userId } = requireUser(request);
    const answer = await opts.simulations.get(userId, request.params.id);
    return reply.code(answer.status).send(answer.body);
  });
}
