import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { BrokerIdSchema, parseOrThrow } from '@tt/shared';
import { requireUser } from '../../plugins/auth-session';
import type { MarketDataService } from './market-data.service';

const MAX_HOURS = 24 * 60;

const CandleQuerySchema = z
  .object({
    broker: BrokerIdSchema,
    symbol: z
      .string()
      .regex(/^[A-Za-z0-9]+-[A-Za-z0-9]+$/, 'expected BASE-QUOTE')
      .transform((s) => s.toUpperCase()),
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
  })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'to must be after from', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_HOURS * 3_600_000, {
    message: `at most ${MAX_HOURS} hours`,
    path: ['to'],
  });

/** Stored hourly candles, for the trade chart; only what imports already fetched (no broker call). */
export async function marketDataRoutes(app: FastifyInstance, opts: { marketData: MarketDataService }) {
  app.get('/api/market/candles', async (request) => {
    requireUser(request);
    const q = parseOrThrow(CandleQuerySchema, request.query, 'query');
    return { items: await opts.marketData.series(q.broker, q.symbol, new Date(q.from), new Date(q.to)) };
  });
}
