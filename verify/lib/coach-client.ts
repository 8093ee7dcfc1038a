import WebSocket from 'ws';
import { WS_COACH_PATH, WsCloseCode } from '@tt/shared';
import { sleep, waitFor } from './processes';

export interface ReceivedEvent {
  id: number;
  type: string;
  tradeId?: string;
}

export interface CoachClientOptions {
  base: string;
  cookie: string;
  origin: string;
  /** Resume point of the first connection (0: everything the user has). */
  lastEventId?: number;
}

function socketUrl(base: string, lastEventId: number | null): string {
  const url = new URL(WS_COACH_PATH, base.replace(/^http/, 'ws'));
  if (lastEventId !== null) url.searchParams.set('lastEventId', String(lastEventId));
  return url.toString();
}

/**
 * The coach socket as the web app uses it: it remembers the last event id it saw and, whenever
 * the socket closes (a server restart, a dropped connection), reconnects with jittered backoff
 * and `?lastEventId=`. `resume()` is what the app does when it regains connectivity without the
 * socket closing. It records every event once (and counts duplicates), so a test can compare
 * what arrived with what the server stored.
 */
export class CoachClient {
  readonly events = new Map<number, ReceivedEvent>();
  duplicates = 0;
  reconnects = 0;
  outOfOrder = 0;
  syncLost = 0;
  closeCodes: number[] = [];
  private ws: WebSocket | undefined;
  private stopped = false;
  private lastId: number;

  constructor(private readonly options: CoachClientOptions) {
    this.lastId = options.lastEventId ?? 0;
  }

  get lastEventId(): number {
    return this.lastId;
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private connect(): Promise<void> {
    const ws = new WebSocket(socketUrl(this.options.base, this.lastId), {
      headers: { cookie: this.options.cookie, origin: this.options.origin },
    });
    this.ws = ws;
    ws.on('message', (data) => this.onMessage(String(data)));
    ws.on('error', () => undefined);
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        // Only a socket that was up reconnects when it closes; a failed attempt is the loop's to retry.
        ws.on('close', (code) => {
          this.closeCodes.push(code);
          if (this.stopped || code === WsCloseCode.SESSION_ENDED) return;
          void this.reconnect();
        });
        resolve();
      });
      ws.once('unexpected-response', (_req, res) => {
        ws.terminate();
        reject(new Error(`handshake answered ${res.statusCode}`));
      });
      ws.once('error', (error) => {
        ws.terminate();
        reject(error);
      });
    });
  }

  private async reconnect(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      await sleep(Math.min(2000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2));
      if (this.stopped) return;
      try {
        await this.connect();
        this.reconnects += 1;
        return;
      } catch {
        // The server is still down or restarting: back off and try again.
      }
    }
  }

  private onMessage(text: string): void {
    const message = JSON.parse(text) as { id?: string; type: string; tradeId?: string; synced?: boolean };
    if (message.synced === false) this.syncLost += 1;
    if (message.type === 'ack' || message.type === 'error' || message.id === undefined) return;
    const id = Number(message.id);
    if (!Number.isSafeInteger(id)) return;
    if (this.events.has(id)) {
      this.duplicates += 1;
      return;
    }
    if (id !== this.lastId + 1) this.outOfOrder += 1;
    this.events.set(id, { id, type: message.type, ...(message.tradeId ? { tradeId: message.tradeId } : {}) });
    this.lastId = Math.max(this.lastId, id);
  }

  /** Asks the server for everything after the last event seen, on the open socket. */
  resume(): void {
    if (this.ws?.readyState === WebSocket.OPEN)
      this.ws.send(JSON.stringify({ type: 'resume', lastEventId: this.lastId }));
  }

  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  async waitForEvent(id: number, timeoutMs: number): Promise<void> {
    await waitFor(`coach event ${id}`, async () => this.lastId >= id, timeoutMs, 50);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close();
      setTimeout(() => {
        ws.terminate();
        resolve();
      }, 2000).unref();
    });
  }
}

/** Every event the server holds for the user, read by a fresh socket replaying from 0. */
export async function storedEvents(
  options: Omit<CoachClientOptions, 'lastEventId'>,
  expectAtLeast: number,
  timeoutMs = 30_000,
): Promise<Map<number, ReceivedEvent>> {
  const reader = new CoachClient({ ...options, lastEventId: 0 });
  await reader.start();
  try {
    // The replay runs in pages; it is complete once no new event arrives for a while.
    let seen = -1;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await sleep(400);
      if (reader.events.size === seen && seen >= expectAtLeast) break;
      seen = reader.events.size;
    }
    return reader.events;
  } finally {
    await reader.stop();
  }
}
