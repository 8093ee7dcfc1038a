import { describe, expect, it } from 'vitest';
import { SendQueue, markUnsynced, type WritableSocket } from './send-queue';

/** A socket whose kernel never takes anything until `drain()`: every send stays buffered. */
function stuckSocket() {
  const completions: (() => void)[] = [];
  const socket = {
    readyState: 1,
    bufferedAmount: 0,
    sent: [] as string[],
    send(data: string, cb?: (err?: Error) => void) {
      socket.sent.push(data);
      socket.bufferedAmount += data.length;
      completions.push(() => {
        socket.bufferedAmount -= data.length;
        cb?.();
      });
    },
    drain() {
      while (completions.length > 0) completions.shift()!();
    },
  };
  return socket satisfies WritableSocket;
}

const event = (id: number) => ({
  data: JSON.stringify({ id: String(id), type: 'digest.ready' }),
  kind: 'event' as const,
});
const ids = (sent: string[]) => sent.map((s) => Number((JSON.parse(s) as { id: string }).id));

describe('SendQueue', () => {
  it('writes straight into the socket while its buffer is under the threshold', () => {
    const socket = stuckSocket();
    const queue = new SendQueue(socket, { maxBufferedBytes: 10_000 });
    for (let i = 1; i <= 5; i++) queue.push(event(i));
    expect(ids(socket.sent)).toEqual([1, 2, 3, 4, 5]);
    expect(queue.length).toBe(0);
  });

  it('holds messages once the socket buffer passes the threshold and sends them as it drains', () => {
    const socket = stuckSocket();
    const queue = new SendQueue(socket, { maxBufferedBytes: 1 });
    for (let i = 1; i <= 4; i++) queue.push(event(i));
    expect(ids(socket.sent)).toEqual([1]);
    expect(queue.length).toBe(3);
    socket.drain();
    expect(ids(socket.sent)).toEqual([1, 2, 3, 4]);
    expect(queue.length).toBe(0);
  });

  it('keeps at most `capacity` waiting, drops the oldest and marks only the next message written', () => {
    const socket = stuckSocket();
    const dropped: number[] = [];
    const queue = new SendQueue(socket, {
      capacity: 100,
      maxBufferedBytes: 1,
      onDropped: (n) => dropped.push(n),
    });
    for (let i = 1; i <= 251; i++) queue.push(event(i));
    expect(queue.length).toBe(100);
    expect(dropped.reduce((a, b) => a + b, 0)).toBe(150);
    socket.drain();
    const received = socket.sent.map((s) => JSON.parse(s) as { id: string; synced?: boolean });
    expect(received.map((m) => Number(m.id))).toEqual([1, ...Array.from({ length: 100 }, (_, i) => 152 + i)]);
    expect(received.filter((m) => m.synced === false).map((m) => m.id)).toEqual(['152']);
  });

  it('reports every message it writes', () => {
    const socket = stuckSocket();
    const written: string[] = [];
    const queue = new SendQueue(socket, { onWritten: (m) => written.push(m.kind) });
    queue.push(event(1));
    queue.push({ data: '{"type":"ack"}', kind: 'reply' });
    expect(written).toEqual(['event', 'reply']);
  });

  it('releases a replay waiting for room once the queue drains, and every waiter on close', async () => {
    const socket = stuckSocket();
    const queue = new SendQueue(socket, { maxBufferedBytes: 1 });
    for (let i = 1; i <= 10; i++) queue.push(event(i));
    let roomy = false;
    const room = queue.whenAtMost(0).then(() => (roomy = true));
    await Promise.resolve();
    expect(roomy).toBe(false);
    socket.drain();
    await room;
    expect(roomy).toBe(true);

    queue.push(event(11));
    queue.push(event(12));
    const waiting = queue.whenAtMost(0);
    queue.close();
    await waiting;
    queue.push(event(13));
    expect(queue.length).toBe(0);
  });

  it('does not write into a socket that is not open', () => {
    const socket = { ...stuckSocket(), readyState: 2 };
    const queue = new SendQueue(socket);
    queue.push(event(1));
    expect(socket.sent).toEqual([]);
  });
});

describe('markUnsynced', () => {
  it('adds synced:false to a serialised object and keeps its fields', () => {
    expect(JSON.parse(markUnsynced('{"id":"3","type":"digest.ready"}'))).toEqual({
      id: '3',
      type: 'digest.ready',
      synced: false,
    });
  });
});
