import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WsCloseCode, type CoachEventMessage } from '@tt/shared';
import {
  CoachCommandError,
  coachSocketUrl,
  createCoachSocket,
  type CoachSocketOptions,
  type CoachSocketStatus,
  type NetworkWatch,
  type WebSocketLike,
} from './coach-socket';

/** Stands in for the browser's WebSocket; the test plays the server through it. */
class FakeSocket implements WebSocketLike {
  readyState = 0;
  sent: unknown[] = [];
  closedWith: number | undefined;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    this.closedWith = code;
    this.readyState = 3;
  }
  accept() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(message: unknown) {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

const reflect = (id: number, extra: object = {}) => ({
  id: String(id),
  type: 'coach.reflect',
  ts: '2026-11-25T10:00:00.000Z',
  tradeId: `t${id}`,
  tradeTs: '2026-11-25T09:00:00.000Z',
  symbol: 'BTC-USD',
  side: 'BUY',
  labels: [{ name: 'FOMO', confidence: 0.8 }],
  ...extra,
});

function setup(overrides: Partial<CoachSocketOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const events: CoachEventMessage[] = [];
  const syncLost: string[] = [];
  const statuses: { status: CoachSocketStatus; closeCode?: number; retryInMs?: number }[] = [];
  const live = createCoachSocket({
    url: 'ws://127.0.0.1:3000/ws/coach',
    onEvent: (event) => events.push(event),
    onSyncLost: (reason) => syncLost.push(reason),
    onStatus: (status, info) => statuses.push({ status, ...info }),
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    random: () => 0.5,
    backoff: { initialMs: 1000, maxMs: 16_000 },
    network: { isOnline: () => true, onOnline: () => () => undefined },
    ...overrides,
  });
  return { live, sockets, events, syncLost, statuses, current: () => sockets.at(-1)! };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createCoachSocket', () => {
  it('hands each coach event to the app once, in order, and skips duplicates and noise', () => {
    const { live, current, events, statuses } = setup();
    expect(statuses.map((s) => s.status)).toEqual(['connecting']);
    current().accept();
    current().receive(reflect(1));
    current().receive(reflect(2));
    current().receive(reflect(2));
    current().receive('not json');
    current().receive({ id: '3', type: 'coach.reflect' });
    current().receive({ id: '9', type: 'something.new', ts: 'x' });
    expect(events.map((e) => e.id)).toEqual(['1', '2']);
    expect(live.lastEventId).toBe(2);
    expect(live.status).toBe('open');
  });

  it('reconnects with growing jittered delays, resumes from the last event and asks for a refetch', () => {
    const { live, sockets, current, syncLost, statuses } = setup();
    current().accept();
    current().receive(reflect(41));
    current().drop();
    expect(statuses.at(-1)).toEqual({ status: 'reconnecting', closeCode: 1006, retryInMs: 500 });
    vi.advanceTimersByTime(499);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(current().url).toBe('ws://127.0.0.1:3000/ws/coach?lastEventId=41');

    // Failed attempts double the ceiling: 0.5 × 2 s, then 0.5 × 4 s, up to the maximum.
    current().drop();
    expect(statuses.at(-1)!.retryInMs).toBe(1000);
    vi.advanceTimersByTime(1000);
    current().drop();
    expect(statuses.at(-1)!.retryInMs).toBe(2000);
    for (let i = 0; i < 6; i++) {
      vi.advanceTimersByTime(statuses.at(-1)!.retryInMs!);
      current().drop();
    }
    expect(statuses.at(-1)!.retryInMs).toBe(8000);

    vi.advanceTimersByTime(8000);
    current().accept();
    expect(syncLost).toEqual(['reconnected']);
    current().receive(reflect(42));
    expect(live.lastEventId).toBe(42);
  });

  it('resumes its first connection from a given event id', () => {
    const { current, events } = setup({ lastEventId: 17 });
    expect(current().url).toBe('ws://127.0.0.1:3000/ws/coach?lastEventId=17');
    current().accept();
    current().receive(reflect(17));
    current().receive(reflect(18));
    expect(events.map((e) => e.id)).toEqual(['18']);
  });

  it('starts the backoff over once a connection has stayed up', () => {
    const { current, statuses } = setup();
    current().accept();
    current().drop();
    vi.advanceTimersByTime(500);
    current().drop();
    vi.advanceTimersByTime(1000);
    current().accept();
    vi.advanceTimersByTime(5000);
    current().drop();
    expect(statuses.at(-1)!.retryInMs).toBe(500);
  });

  it('asks for a refetch when the server says synced:false', () => {
    const { current, events, syncLost } = setup();
    current().accept();
    current().receive(reflect(1));
    current().receive(reflect(150, { synced: false }));
    expect(syncLost).toEqual(['dropped']);
    expect(events.map((e) => e.id)).toEqual(['1', '150']);
  });

  it('follows the close code: stops when the session ended, comes back at once to re-authenticate, waits when refused', () => {
    const ended = setup();
    ended.current().accept();
    ended.current().receive(reflect(7));
    ended.current().drop(WsCloseCode.SESSION_ENDED);
    expect(ended.statuses.at(-1)).toEqual({ status: 'closed', closeCode: 4001 });
    expect(ended.live.lastEventId).toBeNull();
    vi.advanceTimersByTime(60_000);
    expect(ended.sockets).toHaveLength(1);

    const reauth = setup();
    reauth.current().accept();
    reauth.current().drop(WsCloseCode.REAUTHENTICATE);
    expect(reauth.statuses.at(-1)!.retryInMs).toBeLessThan(1000);

    const crowded = setup();
    crowded.current().accept();
    crowded.current().drop(WsCloseCode.TOO_MANY_CONNECTIONS);
    expect(crowded.statuses.at(-1)!.retryInMs).toBeGreaterThanOrEqual(8000);
  });

  it('waits for the network to come back before retrying when the browser is offline', () => {
    let online = false;
    let comeBack: (() => void) | undefined;
    const network: NetworkWatch = {
      isOnline: () => online,
      onOnline: (callback) => {
        comeBack = callback;
        return () => undefined;
      },
    };
    const { current, sockets, statuses } = setup({ network });
    current().accept();
    current().drop();
    expect(statuses.at(-1)!.status).toBe('offline');
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    online = true;
    comeBack!();
    expect(sockets).toHaveLength(2);
  });

  it('resolves a command with its ack and rejects it with the server problem', async () => {
    const { live, current } = setup();
    current().accept();
    const asked = live.send({
      type: 'chat.ask_reflection',
      tradeId: '7b0b1c1e-4c55-4d6a-9a2b-1c2d3e4f5a6b',
      tone: 'strict',
    });
    const sent = current().sent[0] as { requestId: string; type: string };
    expect(sent).toMatchObject({ type: 'chat.ask_reflection', tone: 'strict' });
    const reflection = {
      id: 'r1',
      tradeId: '7b0b1c1e-4c55-4d6a-9a2b-1c2d3e4f5a6b',
      label: 'FOMO',
      tone: 'strict',
      text: 'Two sentences.',
      feedback: null,
      createdAt: '2026-11-25T10:00:00.000Z',
    };
    current().receive({
      id: 'x1',
      type: 'ack',
      ts: 'now',
      for: 'chat.ask_reflection',
      requestId: sent.requestId,
      reflection,
    });
    expect((await asked).reflection).toEqual(reflection);

    const noted = live.send({
      type: 'note.add',
      tradeId: '7b0b1c1e-4c55-4d6a-9a2b-1c2d3e4f5a6b',
      text: 'calm',
    });
    const noteRequest = (current().sent[1] as { requestId: string }).requestId;
    current().receive({
      id: 'x2',
      type: 'error',
      ts: 'now',
      requestId: noteRequest,
      for: 'note.add',
      problem: { type: 't', title: 'Too many messages', status: 429, code: 'WS.RATE_LIMITED' },
      retryAfterMs: 3000,
    });
    const error = await noted.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoachCommandError);
    expect(error).toMatchObject({ problem: { code: 'WS.RATE_LIMITED' }, retryAfterMs: 3000 });
  });

  it('rejects commands it cannot deliver or that get no answer', async () => {
    const { live, current } = setup({ requestTimeoutMs: 1000 });
    await expect(live.send({ type: 'chat.feedback', reflectionId: 'r', value: 'up' })).rejects.toMatchObject({
      problem: { code: 'LIVE.NOT_CONNECTED' },
    });
    current().accept();
    const lost = live.send({ type: 'chat.feedback', reflectionId: 'r', value: 'up' });
    current().drop();
    await expect(lost).rejects.toMatchObject({ problem: { code: 'LIVE.DISCONNECTED' } });

    vi.advanceTimersByTime(500);
    current().accept();
    const unanswered = live.send({ type: 'chat.feedback', reflectionId: 'r', value: 'down' });
    vi.advanceTimersByTime(1000);
    await expect(unanswered).rejects.toMatchObject({ problem: { code: 'LIVE.TIMEOUT' } });
  });

  it('stops for good on close()', () => {
    const { live, sockets, current, statuses } = setup();
    current().accept();
    const socket = current();
    live.close();
    expect(socket.closedWith).toBe(1000);
    expect(statuses.at(-1)!.status).toBe('closed');
    socket.drop(1000);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });
});

describe('coachSocketUrl', () => {
  it('uses wss under https and the page host', () => {
    expect(coachSocketUrl({ protocol: 'https:', host: 'twin.example' })).toBe('wss://twin.example/ws/coach');
    expect(coachSocketUrl({ protocol: 'http:', host: '127.0.0.1:3000' })).toBe(
      'ws://127.0.0.1:3000/ws/coach',
    );
  });
});
