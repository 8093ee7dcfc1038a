import type { FastifyInstance } from 'fastify';
import { parseOrThrow } from '@tt/shared';
import { requireUser } from '../../plugins/auth-session';
import { perUser } from '../../plugins/rate-limit';
import { PageQuerySchema, decodeCursor } from '../../lib/cursor';
import type { DigestsService } from './digests.service';

export async function digestsRoutes(app: FastifyInstance, opts: { digests: DigestsService }) {
  app.post('/api/digests/weekly', { config: { rateLimit: perUser(6) } }, async (request, reply) => {
    const { userId } = requireUser(request);
    return reply.code(202).send(await opts.digests.requestWeekly(userId));
  });
  app.get('/api/digests/weekly/latest', async (request) => {
    const { userId } = requireUser(request);
    return opts.digests.latest(userId);
  });
  app.get('/api/digests', async (request) => {
    const { userId } = requireUser(request);
    const query = parseOrThrow(PageQuerySchema, request.query, 'query');
    return opts.digests.list(userId, decodeCursor(query.cursor), query.limit);
  });
  app.get<{ Params: { id: string } }>('/api/digests/:id', async (request) => {
    const { userId } = requireUser(request);
    return opts.digests.get(userId, request.params.id);
  });
}
