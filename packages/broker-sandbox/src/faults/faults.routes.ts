import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { binanceUnavailable } from '../binance/binance.errors';
import { binanceRateLimited } from '../binance/binance-request';
import { brokerageRateLimited, brokerageUnavailable, oauthError } from '../coinbase/coinbase.errors';
import type { ApiFamily } from '../core/paths';
import { familyOf, sandboxPath } from '../core/paths';
import type { SandboxState } from '../sandbox.state';
import { twelveDataError, twelveDataUnavailable } from '../vendor/twelvedata.errors';
import { FaultRuleSchema } from './faults';

/**
 * Fault injection: the admin endpoints under `/__sandbox/faults`, and the hook that makes the next
 * matching requests fail in the format of the API they belong to.
 */

const ADMIN_PREFIX = '/__sandbox';
const DEFAULT_SLOW_MS = 2_000;

function answerRateLimited(reply: FastifyReply, family: ApiFamily): FastifyReply {
  switch (family) {
    case 'binance':
      return binanceRateLimited(reply);
    case 'coinbase':
      return brokerageRateLimited(reply);
    case 'oauth':
      return oauthError(reply, 429, 'rate_limit_exceeded', 'Too many requests');
    case 'vendor':
      return twelveDataError(reply, 429, 'You have run out of API credits for the current minute.');
    case 'sandbox':
      return reply.code(429).send({ error: 'rate_limited', message: 'Too many requests' });
  }
}

function answerServerError(reply: FastifyReply, family: ApiFamily, status: number): FastifyReply {
  switch (family) {
    case 'binance':
      return binanceUnavailable(reply, status);
    case 'coinbase':
      return brokerageUnavailable(reply, status);
    case 'oauth':
      return oauthError(
        reply,
        status,
        status === 503 ? 'temporarily_unavailable' : 'server_error',
        'The server failed.',
      );
    case 'vendor':
      return twelveDataUnavailable(reply, status);
    case 'sandbox':
      return reply.code(status).send({ error: 'server_error', message: 'The server failed.' });
  }
}

export function registerFaults(app: FastifyInstance, state: SandboxState): void {
  app.post('/__sandbox/faults', async (request, reply) => {
    const parsed = FaultRuleSchema.safeParse(request.body);
    if (!parsed.success) {
      return reply
        .code(400)
        .send({ error: 'invalid_request', message: parsed.error.issues.map((i) => i.message).join('; ') });
    }
    return reply.code(201).send({ fault: state.faults.add(parsed.data) });
  });

  app.get('/__sandbox/faults', async () => ({ faults: state.faults.list() }));

  app.delete('/__sandbox/faults', async (_request, reply) => {
    state.faults.clear();
    return reply.code(204).send();
  });

  app.addHook('onRequest', async (request, reply) => {
    const path = sandboxPath(request, app.prefix);
    if (path.startsWith(ADMIN_PREFIX)) return;
    const fault = state.faults.take(path);
    if (!fault) return;
    switch (fault.kind) {
      case 'slow':
        await sleep(fault.delayMs ?? DEFAULT_SLOW_MS);
        return;
      case 'drop':
        // The connection goes away without an answer, as when a proxy or the network drops it.
        reply.hijack();
        request.raw.socket?.destroy();
        return reply;
      case '429':
        void reply.header('retry-after', String(fault.retryAfterSeconds ?? 1));
        return answerRateLimited(reply, familyOf(path));
      case '5xx':
        return answerServerError(reply, familyOf(path), fault.status ?? 503);
    }
  });
}
