import { connect } from 'node:net';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import type { ServerMessage } from '@tt/shared';

export interface SocketClientOptions {
  cookie?: string;
  origin?: string;
  lastEventId?: number;
}

/** A `ws` client that records everything the server sends, for tests over real sockets. */
export interface SocketClient {
  ws: WebSocket;
  messages: ServerMessage[];
  /** The next message (after those already taken) that matches, waiting for it if need be. */
  next(match?: (message: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  /** Resolves once `count` messages have arrived in all. */
  waitForCount(count: number, timeoutMs?: number): Promise<ServerMessage[]>;
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  close(): Promise<void>;
}

export interface RefusedHandshake {
  status: number;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

export function socketUrl(base: string, lastEventId?: number): string {
  const url = new URL('/ws/coach', base.replace(/^http/, 'ws'));
  if (lastEventId !== undefined) url.searchParams.set('lastEventId', String(lastEventId));
  return url.toString();
}

function headersOf(options: SocketClientOptions): Record<string, string> {
  return {
    ...(options.cookie ? { cookie: options.cookie } : {}),
    ...(options.origin ? { origin: options.origin } : {}),
  };
}

async function until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Opens a socket and resolves once it is open (rejects when the handshake is refused). */
export async function connectSocket(base: string, options: SocketClientOptions = {}): Promise<SocketClient> {
  const ws = new WebSocket(socketUrl(base, options.lastEventId), { headers: headersOf(options) });
  const messages: ServerMessage[] = [];
  let taken = 0;
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    closed,
    next: (match = () => true, timeoutMs = 5000) =>
      until(
        () => {
          for (let i = taken; i < messages.length; i++) {
            if (match(messages[i]!)) {
              taken = i + 1;
              return messages[i]!;
            }
          }
          return undefined;
        },
        timeoutMs,
        'a message',
      ),
    waitForCount: (count, timeoutMs = 5000) =>
      until(() => (messages.length >= count ? messages : undefined), timeoutMs, `${count} messages`),
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await closed;
    },
  };
}

/** Attempts a handshake that the server is expected to refuse; returns the HTTP answer. */
export function refusedHandshake(base: string, options: SocketClientOptions = {}): Promise<RefusedHandshake> {
  const ws = new WebSocket(socketUrl(base, options.lastEventId), { headers: headersOf(options) });
  return new Promise((resolve, reject) => {
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('the handshake was accepted'));
    });
    ws.on('error', () => undefined);
    ws.on('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        resolve({
          status: response.statusCode ?? 0,
          contentType: response.headers['content-type'],
          body: JSON.parse(text) as Record<string, unknown>,
        });
      });
    });
  });
}

/** The `Cookie` header for a test client's jar. */
export function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

/** Resolves once `count` sockets of the user on this process are set up (subscribed and started). */
export function untilStarted(
  app: FastifyInstance,
  userId: string,
  count = 1,
  timeoutMs = 5000,
): Promise<true> {
  return until(
    () =>
      app.realtime.connections.forUser(userId).filter((c) => c.started).length >= count ? true : undefined,
    timeoutMs,
    `${count} started sockets`,
  );
}

/** Sends a bare upgrade request for `path`; resolves with the raw answer once the server closes. */
export function rawUpgrade(base: string, path: string, timeoutMs = 3000): Promise<string> {
  const { port } = new URL(base);
  const socket = connect(Number(port), '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk.toString()));
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the socket for ${path} open`));
    }, timeoutMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}
