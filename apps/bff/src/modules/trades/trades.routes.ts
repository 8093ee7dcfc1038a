import type { FastifyInstance } from 'fastify';
import { TradeListQuerySchema, parseOrThrow } from '@tt/shared';
import { z } from 'zod';
import type { Database } from '@tt/db';
import { requireUser } from '../../plugins/auth-session';
import { PageQuerySchema, decodeCursor, page } from '../../lib/cursor';
import { listPositions } from '../positions/positions.repository';
import { toPositionDto, type TradesService } from './trades.service';

const PositionQuerySchema = PageQuerySchema.extend({
  symbol: z.string().max(40).optional(),
  status: z.enum(['open', 'closed']).optional(),
});

export async function tradesRoutes(app: FastifyInstance, opts: { trades: TradesService; db: Database }) {
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
  app.get('/api/positions', async (request) => {
    const { userId } = requireUser(request);
    const query = parseOrThrow(PositionQuerySchema, request.query, 'query');
    const rows = await listPositions(opts.db, userId, {
      symbol: query.symbol?.toUpperCase(),
      status: query.status,
      before: decodeCursor(query.cursor),
      limit: query.limit,
    });
    return page(rows, query.limit, (r) => ({ ts: r.entryTs, id: r.id }), toPositionDto);
  });
}
