import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BrokerIdSchema, OAuthConnectStartRequestSchema, parseOrThrow, type BrokerId } from '@tt/shared';
import { requireUser } from '../../plugins/auth-session';
import { perUser } from '../../plugins/rate-limit';
import type { BrokerConnectService } from './brokers-connect.service';
import { BROKER_NAMES } from './brokers.dto';
import { BrokersErrors, CALLBACK_FAILURES } from './brokers.errors';
import type { BrokerConnectionsService } from './brokers.service';

export interface BrokersRoutesOptions {
  brokers: BrokerConnectionsService;
  connect: BrokerConnectService;
}

type BrokerParams = { Params: { broker: string } };

function brokerParam(request: FastifyRequest<BrokerParams>): BrokerId {
  const parsed = BrokerIdSchema.safeParse(request.params.broker);
  if (!parsed.success) throw BrokersErrors.UNKNOWN_BROKER({ detail: 'Use coinbase or binance.' });
  return parsed.data;
}

const firstString = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : Array.isArray(value) && typeof value[0] === 'string'
      ? value[0]
      : undefined;

const CONNECT_LIMIT = perUser(10);

export async function brokersRoutes(app: FastifyInstance, opts: BrokersRoutesOptions) {
  app.get('/api/brokers', async (request) => {
    const { userId } = requireUser(request);
    return { items: await opts.brokers.list(userId), nextCursor: null };
  });

  // Not replayable: the body may carry an API secret, and the answer a single-use OAuth state.
  // Repeating the call is safe as it is (a new intent, or the same key stored again). Limited
  // per user because each API-key attempt costs request weight at the exchange.
  app.post<BrokerParams>(
    '/api/brokers/:broker/connect/start',
    { config: { idempotency: false, rateLimit: CONNECT_LIMIT } },
    async (request) => {
      const { userId } = requireUser(request);
      const broker = brokerParam(request);
      if (broker === 'binance') return opts.connect.connectApiKey(userId, broker, request.body, request);
      parseOrThrow(OAuthConnectStartRequestSchema, request.body ?? {}, 'body');
      return opts.connect.startOAuth(userId, broker);
    },
  );

  app.get<BrokerParams & { Querystring: Record<string, unknown> }>(
    '/api/brokers/:broker/connect/callback',
    { config: { rateLimit: CONNECT_LIMIT } },
    async (request, reply) => {
      const broker = brokerParam(request);
      if (broker !== 'coinbase')
        throw BrokersErrors.NOT_OAUTH({ detail: `${BROKER_NAMES[broker]} connects with an API key.` });
      const outcome = await opts.connect.completeOAuth(
        // A browser arriving here gets a redirect, never a 401, so a signed-out caller is passed on as null.
        request.auth?.userId ?? null,
        broker,
        {
          code: firstString(request.query.code),
          state: firstString(request.query.state),
          error: firstString(request.query.error),
        },
        request,
      );
      const target = outcome.ok
        ? `/connect?${new URLSearchParams({ connected: outcome.broker })}`
        : `/connect?${new URLSearchParams({ error: outcome.failure, reason: CALLBACK_FAILURES[outcome.failure] })}`;
      return reply.header('cache-control', 'no-store').redirect(target, 302);
    },
  );

  app.post<BrokerParams>('/api/brokers/:broker/pause', async (request) => {
    const { userId } = requireUser(request);
    return opts.connect.pause(userId, brokerParam(request), request);
  });

  app.post<BrokerParams>('/api/brokers/:broker/resume', async (request) => {
    const { userId } = requireUser(request);
    return opts.connect.resume(userId, brokerParam(request), request);
  });

  app.delete<BrokerParams>('/api/brokers/:broker', async (request, reply) => {
    const { userId } = requireUser(request);
    await opts.connect.disconnect(userId, brokerParam(request), request);
    return reply.code(204).send();
  });
}
