import type { FastifyInstance } from 'fastify';
import { parseOrThrow } from '@tt/shared';
import { z } from 'zod';
import { requireUser } from '../../plugins/auth-session';
import { PageQuerySchema } from '../../lib/cursor';
import type { PositionsService } from './positions.service';

const PositionQuerySchema = PageQuerySchema.extend({
  symbol: z.string().max(40).optional(),
  status: z.enum(['open', 'closed']).optional(),
});

export async function positionsRoutes(app: FastifyInstance, opts: { positions: PositionsService }) {
  app.get('/api/positions', async (request) => {
    const { userId } = requireUser(request);
    return opts.positions.list(userId, parseOrThrow(PositionQuerySchema, request.query, 'query'));
  });
}
