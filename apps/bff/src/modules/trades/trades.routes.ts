import type { FastifyInstance } from 'fastify';
import { TradeListQuerySchema, parseOrThrow } from '@tt/shared';
import { requireUser } from '../../plugins/auth-session';
import type { TradesService } from './trades.service';

export async function tradesRoutes(app: FastifyInstance, opts: { trades: TradesService }) {
  app.get('/api/trades', async (request, reply) => {
    const { userId } = requireUser(request);
    const query = parseOrThrow(TradeListQuerySchema, request.query, 'query');
    return reply.type('application/json; charset=utf-8').send(await opts.trades.list(userId, query));
  });
  app.get<{ Params: { id: string } }>('/api/trades/:id', async (request) => {
    const { userId } = requireUser(request);
    return opts.trades.detail(userId, request.params.id);
  });
  app.get<{ Params: { id: string } }>('/api/trades/:id/bias', async (request) => {
    const { userId } = requireUser(request);
    return opts.trades.bias(userId, request.params.id);
  });
}
