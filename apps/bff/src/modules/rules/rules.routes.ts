import type { FastifyInstance } from 'fastify';
import { requireUser } from '../../plugins/auth-session';
import type { RulesService } from './rules.service';

export async function rulesRoutes(app: FastifyInstance, opts: { rules: RulesService }) {
  app.get('/api/rules', async (request) => {
    const { userId } = requireUser(request);
    return { items: await opts.rules.list(userId) };
  });
  app.post('/api/rules/upsert', async (request) => {
    const { userId } = requireUser(request);
    return opts.rules.upsert(userId, request.body);
  });
  app.post('/api/rules/reset', async (request) => {
    const { userId } = requireUser(request);
    return opts.rules.reset(userId, request.body);
  });
}
