import type { WebSocket } from 'ws';
import type { CoachEvent } from '@tt/shared';
import type { FastifyBaseLogger } from 'fastify';
import { EventCursor, type CursorEvent } from './event-cursor';
import type { RealtimeMetrics } from './realtime.metrics';
import { SendQueue, type OutboundMessage } from './send-queue';

export interface CoachConnectionOptions {
  socket: WebSocket;
  userId: string;
  sessionId: string;
  /** Resume point from `?lastEventId=`; null for live events only. */
  lastEventId: number | null;
  listAfter(userId: string, afterId: number, limit: number): Promise<CoachEvent[]>;
  metrics: RealtimeMetrics;
  logger: FastifyBaseLogger;
  queueCapacity: number;
  maxBufferedBytes: number;
  now: () => number;
}

export const toCursorEvent = (event: CoachEvent, data = JSON.stringify(event)): CursorEvent => ({
  id: Number(event.id),
  data,
  storedAt: Date.parse(event.ts),
});

/**
 * One open coach socket: its bounded send queue, its event cursor (replay then live, in order),
 * and the bookkeeping the registry and the heartbeat need. Inbound messages are handled by the
 * plugin; this class only writes.
 */
export class CoachConnection {
  readonly userId: string;
  readonly sessionId: string;
  /** Cleared by each heartbeat, set by each pong or message; still clear at the next beat means dead. */
  alive = true;
  /** Client messages being handled now. */
  inFlight = 0;
  /** Rate-limited messages in a row; past a bound the client is flooding. */
  strikes = 0;
  /** True once the user's live subscription is in place and the replay (if any) has begun. */
  started = false;
  private readonly queue: SendQueue;
  private readonly cursor: EventCursor;

  constructor(private readonly options: CoachConnectionOptions) {
    const { socket, metrics, now } = options;
    this.userId = options.userId;
    this.sessionId = options.sessionId;
    this.queue = new SendQueue(socket, {
      capacity: options.queueCapacity,
      maxBufferedBytes: options.maxBufferedBytes,
      onDropped: (count) => metrics.dropped.inc(count),
      onWritten: (message: OutboundMessage) => {
        metrics.sent.inc({ kind: message.kind });
        if (message.storedAt !== undefined)
          metrics.pushDelay.observe(Math.max(0, now() - message.storedAt) / 1000);
      },
    });
    this.cursor = new EventCursor(
      {
        listAfter: async (afterId, limit) =>
          (await options.listAfter(this.userId, afterId, limit)).map((event) => toCursorEvent(event)),
        deliver: (event, live) =>
          this.queue.push({ data: event.data, kind: 'event', ...(live ? { storedAt: event.storedAt } : {}) }),
        whenRoomFor: (count) => this.queue.whenAtMost(Math.max(0, options.queueCapacity - count)),
        onGapSkipped: () => this.queue.markSyncLost(),
        isOpen: () => this.isOpen,
        onError: (error) => {
          options.logger.error({ err: error, userId: this.userId }, 'coach socket replay failed');
          this.close(1011, 'replay failed');
        },
      },
      options.lastEventId,
    );
  }

  get isOpen(): boolean {
    return this.options.socket.readyState === this.options.socket.OPEN;
  }

  /** Messages waiting in this socket's queue (not yet written into it). */
  get queued(): number {
    return this.queue.length;
  }

  /** Bytes the socket holds unsent. */
  get bufferedAmount(): number {
    return this.options.socket.bufferedAmount;
  }

  /** Starts the replay, if any; call once the user's live subscription is in place. */
  start(): void {
    this.started = true;
    this.cursor.start();
  }

  onLive(event: CursorEvent): void {
    this.cursor.onLive(event);
  }

  resume(lastEventId: number): void {
    this.cursor.resume(lastEventId);
  }

  reply(message: object): void {
    this.queue.push({ data: JSON.stringify(message), kind: 'reply' });
  }

  ping(): void {
    this.alive = false;
    if (this.isOpen) this.options.socket.ping();
  }

  close(code: number, reason: string): void {
    this.queue.close();
    this.options.socket.close(code, reason);
  }

  /** For a peer that stopped answering: no closing handshake to wait for. */
  terminate(): void {
    this.queue.close();
    this.options.socket.terminate();
  }

  /** Called once the socket is gone, whoever closed it. */
  dispose(): void {
    this.queue.close();
  }
}
