import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The coach socket's Prometheus series, registered on the process's registry. */
export function createRealtimeMetrics(registry: Registry) {
  return {
    connections: new Gauge({
      name: 'ws_connections',
      help: 'Open coach WebSocket connections on this process',
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'ws_connections_rejected_total',
      help: 'Coach WebSocket connections closed right after the upgrade, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    sent: new Counter({
      name: 'ws_messages_sent_total',
      help: 'Messages written to coach WebSockets, by kind (event or reply)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    dropped: new Counter({
      name: 'ws_messages_dropped_total',
      help: 'Messages dropped because a socket send queue was full (the next message says synced:false)',
      registers: [registry],
    }),
    pushDelay: new Histogram({
      name: 'ws_push_delay_seconds',
      help: 'From a live event being stored (its ts) to its write into the socket',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    clientMessages: new Counter({
      name: 'ws_client_messages_total',
      help: 'Messages received from clients, by outcome (accepted, invalid, refused, rate_limited, failed)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}

export type RealtimeMetrics = ReturnType<typeof createRealtimeMetrics>;
