import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WsCloseCode, type ServerMessage } from '@tt/shared';
import { createTestApp, type TestApp } from '../../test-support/test-app';
import {
  TEST_ORIGIN,
  TEST_PASSWORD,
  createTestClient,
  mutationHeaders,
  signUpAndLogIn,
  type TestClient,
} from '../auth/auth.test-support';
import {
  connectSocket,
  cookieHeader,
  rawUpgrade,
  refusedHandshake,
  untilStarted,
  type SocketClient,
} from './realtime.test-support';

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await createTestApp({ worker: false });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
});

// Sign-ups are limited per IP (blueprint §3): each trader comes from an address of its own.
let addresses = 0;
const nextAddress = () => `10.0.0.${++addresses}`;

async function trader() {
  const { client, userId, email } = await signUpAndLogIn(t.app, { remoteAddress: nextAddress() });
  return { client, userId, email, cookie: cookieHeader(client.cookies) };
}

const open = (cookie: string, lastEventId?: number) =>
  connectSocket(base, { cookie, origin: TEST_ORIGIN, ...(lastEventId === undefined ? {} : { lastEventId }) });

const progress = (i: number) => ({
  importId: '00000000-0000-4000-8000-00000000000a',
  status: 'running' as const,
  phase: 'scoring' as const,
  fetched: 100,
  inserted: 100,
  duplicates: 0,
  scored: i,
  toScore: 100,
});

/** Waits for the socket's set-up on the server, then for an event raised now to reach it. */
async function live(socket: SocketClient, userId: string, socketsOfUser = 1): Promise<ServerMessage> {
  await untilStarted(t.app, userId, socketsOfUser);
  const event = await t.services.events.raise(userId, 'import.progress', progress(0));
  return socket.next((m) => m.id === event.id);
}

async function sessionsOf(client: TestClient) {
  const response = await client.request({ method: 'GET', url: '/api/auth/sessions' });
  return (response.json() as { items: { id: string; current: boolean }[] }).items;
}

describe('GET /ws/coach on the whole BFF', () => {
  it('refuses a handshake without a session (401) or from a foreign origin (403), before any upgrade', async () => {
    const { cookie } = await trader();
    const anonymous = await refusedHandshake(base, { origin: TEST_ORIGIN });
    expect(anonymous).toMatchObject({ status: 401, body: { code: 'HTTP.UNAUTHENTICATED', status: 401 } });
    expect(anonymous.contentType).toMatch(/^application\/problem\+json/);
    const forged = await refusedHandshake(base, {
      origin: TEST_ORIGIN,
      cookie: '__Host-tt_session=' + 'A'.repeat(43),
    });
    expect(forged.status).toBe(401);
    const crossSite = await refusedHandshake(base, { origin: 'https://evil.example', cookie });
    expect(crossSite).toMatchObject({ status: 403, body: { code: 'WS.FOREIGN_ORIGIN' } });
  });

  it('answers an upgrade request for another route as a plain request and closes the connection', async () => {
    expect(await rawUpgrade(base, '/healthz')).toMatch(/^HTTP\/1.1 200 OK\r\n[\s\S]*"status":"ok"/);
    expect(await rawUpgrade(base, '/api/trades')).toMatch(/^HTTP\/1.1 401 /);
  });

  it("never delivers one user's events to another", async () => {
    const a = await trader();
    const b = await trader();
    const socketA = await open(a.cookie);
    const socketB = await open(b.cookie);
    await live(socketA, a.userId);
    await live(socketB, b.userId);
    for (let i = 1; i <= 5; i++) {
      await t.services.events.raise(b.userId, 'import.progress', progress(i));
      await t.services.events.raise(a.userId, 'digest.ready', {
        digestId: `a${i}`,
        periodStart: 'p',
        periodEnd: 'q',
      });
    }
    await socketA.waitForCount(6);
    await socketB.waitForCount(6);
    expect(socketA.messages.slice(1).map((m) => m.type)).toEqual(Array(5).fill('digest.ready'));
    expect(socketB.messages.slice(1).map((m) => m.type)).toEqual(Array(5).fill('import.progress'));
    const other = await t.services.events.raise(b.userId, 'import.progress', progress(9));
    await socketB.next((m) => m.id === other.id);
    expect(socketA.messages).toHaveLength(6);
    await socketA.close();
    await socketB.close();
  });

  it('delivers a batch raised at once (one pub/sub message) as one frame per event, in order', async () => {
    const { userId, cookie } = await trader();
    const socket = await open(cookie);
    await live(socket, userId);
    const publish = vi.spyOn(t.platform.pubsub, 'publish');
    const raised = await t.services.events.raiseMany(
      userId,
      'import.progress',
      [1, 2, 3].map((i) => progress(i)),
    );
    expect(publish).toHaveBeenCalledTimes(1);
    publish.mockRestore();
    await socket.waitForCount(4);
    expect(socket.messages.slice(1)).toEqual(raised);
    await socket.close();
  });

  it('gives a client that dropped out mid-import exactly the events it missed, in order, then live ones', async () => {
    const { userId, cookie } = await trader();
    const first = await open(cookie);
    await live(first, userId);
    const total = 60;
    const raising = (async () => {
      for (let i = 1; i <= total; i++) {
        if (i % 4 === 0) {
          await t.services.events.raise(userId, 'digest.ready', {
            digestId: `d${i}`,
            periodStart: 'p',
            periodEnd: 'q',
          });
        } else {
          await t.services.events.raise(userId, 'import.progress', progress(i));
        }
      }
    })();
    await first.waitForCount(15, 15_000);
    await first.close();
    const seen = first.messages.map((m) => Number(m.id));
    const lastSeen = seen.at(-1)!;
    await raising;

    const resumed = await open(cookie, lastSeen);
    const head = seen[0]! + total;
    await resumed.waitForCount(head - lastSeen, 15_000);
    const after = await t.services.events.raise(userId, 'import.progress', progress(99));
    await resumed.next((m) => m.id === after.id);
    const ids = resumed.messages.map((m) => Number(m.id));
    expect(ids).toEqual(Array.from({ length: head + 1 - lastSeen }, (_, i) => lastSeen + 1 + i));
    expect(resumed.messages.every((m) => m.synced === undefined)).toBe(true);
    await resumed.close();
  });

  it('closes the socket of a session at logout, at revocation from another session, and at account deletion', async () => {
    const { client, userId, email, cookie } = await trader();
    const loggingOut = await open(cookie);
    await live(loggingOut, userId);
    await client.request({ method: 'POST', url: '/api/auth/logout', headers: await mutationHeaders(client) });
    expect(await loggingOut.closed).toEqual({ code: WsCloseCode.SESSION_ENDED, reason: 'session ended' });

    const laptop = createTestClient(t.app, { remoteAddress: nextAddress() });
    const phone = createTestClient(t.app, { remoteAddress: nextAddress() });
    for (const device of [laptop, phone]) {
      await device.request({
        method: 'POST',
        url: '/api/auth/login',
        headers: await mutationHeaders(device),
        payload: { email, password: TEST_PASSWORD },
      });
    }
    const phoneSocket = await open(cookieHeader(phone.cookies));
    const laptopSocket = await open(cookieHeader(laptop.cookies));
    await live(phoneSocket, userId, 2);
    const phoneSession = (await sessionsOf(laptop)).find((s) => !s.current)!;
    await laptop.request({
      method: 'DELETE',
      url: `/api/auth/sessions/${phoneSession.id}`,
      headers: await mutationHeaders(laptop),
    });
    expect((await phoneSocket.closed).code).toBe(WsCloseCode.SESSION_ENDED);
    expect(
      await refusedHandshake(base, { origin: TEST_ORIGIN, cookie: cookieHeader(phone.cookies) }),
    ).toMatchObject({ status: 401 });

    await laptop.request({
      method: 'DELETE',
      url: '/api/me',
      headers: await mutationHeaders(laptop),
      payload: { password: TEST_PASSWORD },
    });
    expect((await laptopSocket.closed).code).toBe(WsCloseCode.SESSION_ENDED);
  });

  it('refuses a sixth socket of the same user', async () => {
    const { userId, cookie } = await trader();
    const sockets = [];
    for (let i = 0; i < 5; i++) sockets.push(await open(cookie));
    const sixth = await open(cookie);
    expect((await sixth.closed).code).toBe(WsCloseCode.TOO_MANY_CONNECTIONS);
    await untilStarted(t.app, userId, 5);
    const event = await t.services.events.raise(userId, 'import.progress', progress(1));
    for (const socket of sockets)
      expect(await socket.next((m) => m.id === event.id)).toMatchObject({ type: 'import.progress' });
    for (const socket of sockets) await socket.close();
  });
  it('counts connections, messages and push delay in the metrics', async () => {
    const { userId, cookie } = await trader();
    const socket = await open(cookie);
    await live(socket, userId);
    const { metrics } = t.app.realtime;
    expect((await metrics.connections.get()).values[0]!.value).toBeGreaterThanOrEqual(1);
    expect((await metrics.sent.get()).values.find((v) => v.labels.kind === 'event')!.value).toBeGreaterThan(
      0,
    );
    const count = (await metrics.pushDelay.get()).values.find(
      (v) => v.metricName === 'ws_push_delay_seconds_count',
    );
    expect(count!.value).toBeGreaterThan(0);
    await socket.close();
  });
});
