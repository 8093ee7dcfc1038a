import WebSocket from 'ws';
import { WS_COACH_PATH, WS_LIMITS, type CoachReflect } from '@tt/shared';
import { sleep } from '../lib/processes';
import { latencySummary, round } from '../lib/stats';
import type { Deployment } from './deployment';
import { seedUsers, type LoadPlatform } from './load-seed';

interface Socket {
  user: number;
  ws: WebSocket;
  lastId: number;
  ids: Set<number>;
}

export interface SocketRunResult {
  sockets: number;
  users: number;
  events: number;
  expectedDeliveries: number;
  delivered: number;
  missing: number;
  duplicates: number;
  reconnected: number;
  connectAllMs: number;
  deliveryMs: ReturnType<typeof latencySummary>;
  eventsPerSecond: number;
}

const reflect = (tradeId: string): CoachReflect => ({
  tradeId,
  symbol: 'BTC-USD',
  side: 'SELL',
  tradeTs: new Date().toISOString(),
  labels: [{ name: 'PANIC', confidence: 0.7 }],
  tone: 'supportive',
  insight: 'You sold into a 6 % drop. Next time, check your plan before the exit.',
});

/**
 * `sockets` coach sockets (five per user, the per-user limit) on the BFF, `eventsPerUser` events
 * raised for each user through the events service at `rate` per second. A fifth of the sockets are
 * cut halfway and reconnect with `?lastEventId=`; at the end every socket must hold every event
 * of its user exactly once.
 */
export async function runSockets(
  deployment: Deployment,
  load: LoadPlatform,
  options: { sockets: number; eventsPerUser: number; rate: number },
): Promise<SocketRunResult> {
  const perUser = WS_LIMITS.socketsPerUser;
  const userCount = Math.ceil(options.sockets / perUser);
  const people = await seedUsers(load, userCount, 'sockets');
  const sentAt = new Map<string, number>();
  const delays: number[] = [];
  let duplicates = 0;
  const url = (lastId: number | null) =>
    `${deployment.base.replace('http', 'ws')}${WS_COACH_PATH}${lastId === null ? '' : `?lastEventId=${lastId}`}`;

  const open = (socket: Omit<Socket, 'ws'>, lastId: number | null): Promise<Socket> => {
    const ws = new WebSocket(url(lastId), {
      headers: { cookie: people[socket.user]!.cookie, origin: deployment.origin },
    });
    const full = { ...socket, ws };
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: string; tradeId?: string };
      if (message.id === undefined) return;
      const id = Number(message.id);
      if (full.ids.has(id)) {
        duplicates += 1;
        return;
      }
      full.ids.add(id);
      full.lastId = Math.max(full.lastId, id);
      const t0 = message.tradeId ? sentAt.get(message.tradeId) : undefined;
      if (t0 !== undefined) delays.push(performance.now() - t0);
    });
    ws.on('error', () => undefined);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(full));
      ws.once('unexpected-response', (_r, res) => reject(new Error(`handshake answered ${res.statusCode}`)));
      ws.once('error', reject);
    });
  };

  const connectStarted = performance.now();
  const sockets: Socket[] = [];
  for (let i = 0; i < options.sockets; i += 50) {
    const batch = Array.from({ length: Math.min(50, options.sockets - i) }, (_, k) => ({
      user: (i + k) % userCount,
      lastId: 0,
      ids: new Set<number>(),
    }));
    sockets.push(...(await Promise.all(batch.map((s) => open(s, null)))));
  }
  const connectAllMs = Math.round(performance.now() - connectStarted);
  // Live from here: every socket's subscription is in place before the first event.
  await sleep(500);

  const total = userCount * options.eventsPerUser;
  const started = performance.now();
  const inflight: Promise<unknown>[] = [];
  let reconnected = 0;
  for (let k = 0; k < total; k++) {
    const due = started + (k * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const tradeId = `load-${k}`;
    sentAt.set(tradeId, performance.now());
    inflight.push(
      load.services.events.raise(people[k % userCount]!.userId, 'coach.reflect', reflect(tradeId)),
    );
    if (k === Math.floor(total / 2)) {
      // A fifth of the clients lose their connection and come back with the last id they saw.
      const cut = sockets.filter((_, i) => i % 5 === 0);
      for (const socket of cut) socket.ws.terminate();
      inflight.push(
        ...cut.map(async (socket) => {
          for (let attempt = 0; attempt < 10; attempt++) {
            await sleep(200 + Math.random() * 300);
            const again = await open(socket, socket.lastId).catch(() => undefined);
            await sleep(100);
            // Refused (the server had not yet seen the old socket go): back off and try again.
            if (!again || again.ws.readyState !== WebSocket.OPEN) continue;
            sockets[sockets.indexOf(socket)] = again;
            reconnected += 1;
            return;
          }
        }),
      );
    }
  }
  await Promise.all(inflight);
  const expectedPerSocket = options.eventsPerUser;
  const settleBy = performance.now() + 20_000;
  while (sockets.some((s) => s.ids.size < expectedPerSocket) && performance.now() < settleBy)
    await sleep(100);
  const runSeconds = (performance.now() - started) / 1000;
  const delivered = sockets.reduce((n, s) => n + Math.min(s.ids.size, expectedPerSocket), 0);
  for (const socket of sockets) socket.ws.terminate();
  return {
    sockets: sockets.length,
    users: userCount,
    events: total,
    expectedDeliveries: sockets.length * expectedPerSocket,
    delivered,
    missing: sockets.length * expectedPerSocket - delivered,
    duplicates,
    reconnected,
    connectAllMs,
    deliveryMs: latencySummary(delays),
    eventsPerSecond: round(total / runSeconds),
  };
}
