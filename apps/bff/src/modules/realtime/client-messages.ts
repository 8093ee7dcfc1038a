import { randomUUID } from 'node:crypto';
import {
  AppError,
  ClientMessageSchema,
  CLIENT_MESSAGE_TYPES,
  CommonErrors,
  RequestIdSchema,
  WsCloseCode,
  WsErrors,
  zodFieldErrors,
  type AckMessage,
  type ErrorMessage,
} from '@tt/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { ClientEventsService } from './client-events.service';
import type { RateLimiter } from './rate-limiter';
import type { RealtimeMetrics } from './realtime.metrics';

/** What handling a message needs from its socket. */
export interface InboundConnection {
  readonly userId: string;
  inFlight: number;
  strikes: number;
  reply(message: AckMessage | ErrorMessage): void;
  resume(lastEventId: number): void;
  close(code: number, reason: string): void;
}

export interface ClientMessageHandlerOptions {
  limiter: RateLimiter;
  clientEvents: ClientEventsService;
  metrics: RealtimeMetrics;
  logger: FastifyBaseLogger;
  /** Messages one socket may have in progress at once (default 8). */
  maxInFlight?: number;
  /** Refused messages in a row before the socket is closed as abusive (default 20). */
  maxStrikes?: number;
}

type Envelope = { id: string; ts: string };
const envelope = (): Envelope => ({ id: randomUUID(), ts: new Date().toISOString() });

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The `requestId` and `type` of a message, when it has usable ones, so even a refusal can echo them. */
function correlation(raw: unknown): { requestId: string | null; type: string | null } {
  if (typeof raw !== 'object' || raw === null) return { requestId: null, type: null };
  const { requestId, type } = raw as { requestId?: unknown; type?: unknown };
  return {
    requestId: RequestIdSchema.safeParse(requestId).success ? (requestId as string) : null,
    type:
      typeof type === 'string' && (CLIENT_MESSAGE_TYPES as readonly string[]).includes(type) ? type : null,
  };
}

/**
 * Handles one client message: in-flight bound, per-user rate limit, JSON, the shared schema, then
 * the command, answered by an `ack` or an `error` carrying the same `requestId`. A bad message is
 * only ever answered; a socket that keeps sending after being refused is closed with 1008.
 */
export function createClientMessageHandler(options: ClientMessageHandlerOptions) {
  const { limiter, clientEvents, metrics, logger } = options;
  const maxInFlight = options.maxInFlight ?? 8;
  const maxStrikes = options.maxStrikes ?? 20;

  const refuse = (
    connection: InboundConnection,
    ids: { requestId: string | null; type: string | null },
    error: AppError,
    retryAfterMs?: number,
  ) =>
    connection.reply({
      ...envelope(),
      type: 'error',
      requestId: ids.requestId,
      for: ids.type,
      problem: error.toProblem(),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });

  const rateLimited = (
    connection: InboundConnection,
    ids: ReturnType<typeof correlation>,
    retryAfterMs: number,
  ) => {
    metrics.clientMessages.inc({ outcome: 'rate_limited' });
    connection.strikes += 1;
    if (connection.strikes >= maxStrikes) {
      connection.close(WsCloseCode.POLICY_VIOLATION, 'too many messages');
      return;
    }
    refuse(
      connection,
      ids,
      WsErrors.RATE_LIMITED({
        detail: `Slow down; the next message is accepted in ${Math.ceil(retryAfterMs / 1000)} s.`,
      }),
      retryAfterMs,
    );
  };

  async function dispatch(connection: InboundConnection, raw: unknown, ids: ReturnType<typeof correlation>) {
    if (ids.type === null) {
      metrics.clientMessages.inc({ outcome: 'invalid' });
      return refuse(
        connection,
        ids,
        WsErrors.BAD_MESSAGE({
          detail: `Send a JSON object whose type is one of ${CLIENT_MESSAGE_TYPES.join(', ')}.`,
        }),
      );
    }
    const parsed = ClientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      metrics.clientMessages.inc({ outcome: 'invalid' });
      return refuse(
        connection,
        ids,
        WsErrors.INVALID_MESSAGE({
          detail: `Invalid ${ids.type} message.`,
          errors: zodFieldErrors(parsed.error),
        }),
      );
    }
    const message = parsed.data;
    const { userId } = connection;
    switch (message.type) {
      case 'resume':
        connection.resume(message.lastEventId);
        break;
      case 'chat.ask_reflection': {
        const reflection = await clientEvents.askReflection(userId, message);
        connection.reply({
          ...envelope(),
          type: 'ack',
          for: message.type,
          requestId: message.requestId,
          reflection,
        });
        break;
      }
      case 'chat.feedback':
        await clientEvents.giveFeedback(userId, message);
        connection.reply({
          ...envelope(),
          type: 'ack',
          for: message.type,
          requestId: message.requestId,
          reflectionId: message.reflectionId,
          value: message.value,
        });
        break;
      case 'note.add': {
        const note = await clientEvents.addNote(userId, message);
        connection.reply({
          ...envelope(),
          type: 'ack',
          for: message.type,
          requestId: message.requestId,
          note,
        });
        break;
      }
    }
    metrics.clientMessages.inc({ outcome: 'accepted' });
  }

  /** `text` is null for a binary frame, which this protocol does not use. */
  return async function handle(connection: InboundConnection, text: string | null): Promise<void> {
    const raw = parseJson(text);
    const ids = correlation(raw);
    if (connection.inFlight >= maxInFlight) return rateLimited(connection, ids, 1000);
    connection.inFlight += 1;
    try {
      const verdict = await limiter.take(connection.userId);
      if (!verdict.allowed) return rateLimited(connection, ids, verdict.retryAfterMs);
      connection.strikes = 0;
      await dispatch(connection, raw, ids);
    } catch (error) {
      const appError = error instanceof AppError ? error : CommonErrors.INTERNAL({ cause: error });
      if (appError.status >= 500)
        logger.error({ err: error, userId: connection.userId }, 'coach socket message failed');
      metrics.clientMessages.inc({ outcome: appError.status >= 500 ? 'failed' : 'refused' });
      refuse(connection, ids, appError);
    } finally {
      connection.inFlight -= 1;
    }
  };
}
