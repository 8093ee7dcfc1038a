import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { WS_LIMITS, WsCloseCode, type ServerMessage } from '@tt/shared';
import { AUTH_CHANNELS, HUB_ORIGIN, startTestHub, type TestHub } from './realtime.plugin.test-support';
import {
  connectSocket,
  rawUpgrade,
  refusedHandshake,
  socketUrl,
  untilStarted,
} from './realtime.test-support';

const TRADE = '7b0b1c1e-4c55-4d6a-9a2b-1c2d3e4f5a6b';
// The accounts module publishes uuids, and the plugin checks the shape of what it hears.
const U1 = '11111111-1111-4111-8111-111111111111';
const S1 = '22222222-2222-4222-8222-222222222222';
const S2 = '33333333-3333-4333-8333-333333333333';
let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

const ids = (messages: ServerMessage[]) => messages.map((m) => Number(m.id));

describe('realtime plugin (/ws/coach)', () => {
  it('answers a plain GET with 426 and never upgrades without the right Origin', async () => {
    hub = await startTestHub();
    const cookie = hub.cookieFor('u1', 's1');
    const plain = await hub.app.inject({
      method: 'GET',
      url: '/ws/coach',
      headers: { cookie, origin: HUB_ORIGIN },
    });
    expect(plain.statusCode).toBe(426);
    expect(plain.headers.upgrade).toBe('websocket');
    expect(plain.json()).toMatchObject({ code: 'WS.UPGRADE_REQUIRED' });

    const noOrigin = await refusedHandshake(hub.base, { cookie });
    expect(noOrigin).toMatchObject({ status: 403, body: { code: 'WS.FOREIGN_ORIGIN' } });
    const badResume = await refusedHandshake(hub.base, { cookie, origin: HUB_ORIGIN, lastEventId: -1 });
    expect(badResume.status).toBe(400);
  });

  it('answers an upgrade request for any other path as a plain request and closes its socket', async () => {
    hub = await startTestHub();
    const answer = await rawUpgrade(hub.base, '/api/trades?x=1');
    expect(answer).toMatch(/^HTTP\/1.1 404 Not Found\r\n/);
    expect(answer).toContain('"code":"HTTP.NOT_FOUND"');
  });

  it('replays stored events after ?lastEventId, then delivers live ones', async () => {
    hub = await startTestHub();
    for (let i = 0; i < 5; i++) await hub.raise('u1');
    const client = await connectSocket(hub.base, {
      cookie: hub.cookieFor('u1', 's1'),
      origin: HUB_ORIGIN,
      lastEventId: 2,
    });
    await client.waitForCount(3);
    await hub.raise('u1');
    await client.waitForCount(4);
    expect(ids(client.messages)).toEqual([3, 4, 5, 6]);

    client.send({ type: 'resume', lastEventId: '4' });
    await client.waitForCount(6);
    expect(ids(client.messages).slice(4)).toEqual([5, 6]);
    await client.close();
  });

  it('terminates a peer that stops answering pings and keeps one that answers', async () => {
    hub = await startTestHub({ heartbeatMs: 250 });
    const cookie = hub.cookieFor('u1', 's1');
    const healthy = await connectSocket(hub.base, { cookie, origin: HUB_ORIGIN });
    const silent = new WebSocket(socketUrl(hub.base), {
      headers: { cookie, origin: HUB_ORIGIN },
      autoPong: false,
    });
    const silentClosed = new Promise<number>((resolve) => silent.on('close', (code) => resolve(code)));
    expect(await silentClosed).toBe(1006);
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    await healthy.close();
  });

  it('closes a socket at the end of its lifetime with 4002 so the client re-authenticates', async () => {
    hub = await startTestHub({ reauthMs: 60, reauthJitter: 0 });
    const client = await connectSocket(hub.base, { cookie: hub.cookieFor('u1', 's1'), origin: HUB_ORIGIN });
    expect(await client.closed).toEqual({ code: WsCloseCode.REAUTHENTICATE, reason: 'reauthenticate' });
  });

  it('refuses the sixth socket of a user with 4429 and frees the slot when one closes', async () => {
    hub = await startTestHub();
    const cookie = hub.cookieFor('u1', 's1');
    const open = [];
    for (let i = 0; i < WS_LIMITS.socketsPerUser; i++)
      open.push(await connectSocket(hub.base, { cookie, origin: HUB_ORIGIN }));
    const sixth = await connectSocket(hub.base, { cookie, origin: HUB_ORIGIN });
    expect(await sixth.closed).toEqual({
      code: WsCloseCode.TOO_MANY_CONNECTIONS,
      reason: 'too many connections',
    });
    expect(await hub.metric('ws_connections')).toBe(5);

    await open.pop()!.close();
    const again = await connectSocket(hub.base, { cookie, origin: HUB_ORIGIN });
    await untilStarted(hub.app, 'u1', 5);
    await hub.raise('u1');
    expect(await again.next()).toMatchObject({ id: '1', type: 'digest.ready' });
    for (const client of [...open, again]) await client.close();
  });

  it('closes every socket of a session when it is revoked, and of a user when the account is deleted', async () => {
    hub = await startTestHub();
    const a1 = await connectSocket(hub.base, { cookie: hub.cookieFor(U1, S1), origin: HUB_ORIGIN });
    const a2 = await connectSocket(hub.base, { cookie: hub.cookieFor(U1, S2), origin: HUB_ORIGIN });
    await hub.publish(AUTH_CHANNELS.sessionRevoked, { userId: U1, sessionId: S1 });
    expect(await a1.closed).toEqual({ code: WsCloseCode.SESSION_ENDED, reason: 'session ended' });
    expect(a2.ws.readyState).toBe(WebSocket.OPEN);
    await hub.publish(AUTH_CHANNELS.userDeleted, { userId: U1 });
    expect((await a2.closed).code).toBe(WsCloseCode.SESSION_ENDED);
  });

  it('answers commands with an ack and bad messages with an error, without closing', async () => {
    hub = await startTestHub();
    const client = await connectSocket(hub.base, { cookie: hub.cookieFor('u1', 's1'), origin: HUB_ORIGIN });
    client.send({ type: 'note.add', requestId: 'n1', tradeId: TRADE, text: '<script>alert(1)</script>' });
    expect(await client.next()).toMatchObject({
      type: 'ack',
      for: 'note.add',
      requestId: 'n1',
      note: { tradeId: TRADE, text: '<script>alert(1)</script>' },
    });
    client.send('{not json');
    expect(await client.next()).toMatchObject({
      type: 'error',
      requestId: null,
      problem: { code: 'WS.BAD_MESSAGE' },
    });
    client.send({ type: 'chat.feedback', requestId: 'f1', reflectionId: 'nope', value: 'meh' });
    const invalid = await client.next();
    expect(invalid).toMatchObject({
      type: 'error',
      requestId: 'f1',
      for: 'chat.feedback',
      problem: { code: 'WS.INVALID_MESSAGE' },
    });
    expect(
      (invalid as { problem: { errors: { field: string }[] } }).problem.errors.map((e) => e.field).sort(),
    ).toEqual(['reflectionId', 'value']);
    client.send({
      type: 'note.add',
      requestId: 'n2',
      tradeId: TRADE,
      text: 'x'.repeat(WS_LIMITS.noteMaxLength + 1),
    });
    expect(await client.next()).toMatchObject({
      type: 'error',
      requestId: 'n2',
      problem: { code: 'WS.INVALID_MESSAGE' },
    });
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.next()).toMatchObject({ type: 'error', problem: { code: 'WS.BAD_MESSAGE' } });
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    await client.close();
  });

  it('rate-limits client messages per user, then closes a socket that keeps flooding', async () => {
    hub = await startTestHub({ messagesPerMinute: 3 });
    const client = await connectSocket(hub.base, { cookie: hub.cookieFor('u1', 's1'), origin: HUB_ORIGIN });
    for (let i = 1; i <= 4; i++) {
      client.send({ type: 'chat.ask_reflection', requestId: `a${i}`, tradeId: TRADE, tone: 'strict' });
      await client.next((m) => 'requestId' in m && m.requestId === `a${i}`);
    }
    expect(client.messages.map((m) => m.type)).toEqual(['ack', 'ack', 'ack', 'error']);
    expect(client.messages[3]).toMatchObject({ problem: { code: 'WS.RATE_LIMITED', status: 429 } });
    expect((client.messages[3] as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);

    for (let i = 0; i < 30; i++) client.send({ type: 'resume', lastEventId: 0 });
    expect((await client.closed).code).toBe(WsCloseCode.POLICY_VIOLATION);
  });

  it('closes a socket that sends a frame over the size limit', async () => {
    hub = await startTestHub();
    const client = await connectSocket(hub.base, { cookie: hub.cookieFor('u1', 's1'), origin: HUB_ORIGIN });
    client.send('x'.repeat(WS_LIMITS.maxPayloadBytes + 1));
    expect((await client.closed).code).toBe(WsCloseCode.MESSAGE_TOO_BIG);
  });

  it('holds a bounded amount for a client that never reads, counts the drops and says synced:false', async () => {
    const maxBufferedBytes = 64 * 1024;
    hub = await startTestHub({ maxBufferedBytes });
    let transport: Socket | undefined;
    const ws = new WebSocket(socketUrl(hub.base), {
      headers: { cookie: hub.cookieFor('u1', 's1'), origin: HUB_ORIGIN },
    });
    // Paused before ws attaches its reader: nothing is read from the kernel until `resume()`.
    ws.on('upgrade', (response) => {
      transport = response.socket;
      transport.pause();
    });
    await new Promise((resolve) => ws.once('open', resolve));
    await untilStarted(hub.app, 'u1');

    // 16 MB of events: several times what the loopback kernel buffers hold.
    const total = 4000;
    const padding = 4000;
    for (let id = 1; id <= total; id++) await hub.publishLive('u1', id, padding);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [connection] = hub.app.realtime.connections.forUser('u1');
    expect(connection!.queued).toBeLessThanOrEqual(WS_LIMITS.queueCapacity);
    expect(connection!.bufferedAmount).toBeLessThan(maxBufferedBytes + padding + 500);
    const dropped = await hub.metric('ws_messages_dropped_total');
    expect(dropped).toBeGreaterThan(0);

    const received: { id: number; synced?: boolean }[] = [];
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id: string; synced?: boolean };
      received.push({ id: Number(message.id), synced: message.synced });
    });
    transport!.resume();
    const deadline = Date.now() + 10_000;
    while (received.at(-1)?.id !== total && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));

    expect(received.length).toBe(total - dropped);
    const gapAt = received.findIndex((m, i) => i > 0 && m.id !== received[i - 1]!.id + 1);
    expect(received[gapAt]!.synced).toBe(false);
    expect(received.filter((m) => m.synced === false)).toHaveLength(1);
    expect(received.map((m) => m.id)).toEqual([...received.map((m) => m.id)].sort((a, b) => a - b));
    ws.terminate();
  });

  it('tells every client to reconnect elsewhere when the server shuts down', async () => {
    hub = await startTestHub();
    const client = await connectSocket(hub.base, { cookie: hub.cookieFor('u1', 's1'), origin: HUB_ORIGIN });
    await hub.close();
    hub = undefined;
    expect(await client.closed).toEqual({ code: WsCloseCode.SERVICE_RESTART, reason: 'server restarting' });
  });
});
