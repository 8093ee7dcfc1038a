/** The part of a `ws` WebSocket that the queue writes to. */
export interface WritableSocket {
  readonly readyState: number;
  /** Bytes accepted by `send` but not yet handed to the kernel. */
  readonly bufferedAmount: number;
  send(data: string, cb?: (err?: Error) => void): void;
}

/** One server message, serialised once. */
export interface OutboundMessage {
  data: string;
  kind: 'event' | 'reply';
  /** For live events: when the event was stored (epoch ms), to measure the push delay. */
  storedAt?: number;
}

export interface SendQueueOptions {
  /** Messages kept waiting at most; past this the oldest are dropped (default 100, DESIGN.md §5). */
  capacity?: number;
  /**
   * Bytes the socket may hold unsent before the queue stops writing into it (default 256 KiB). Past
   * it messages wait here, where the capacity bounds them, so a peer that never reads costs at most
   * this much plus `capacity` messages.
   */
  maxBufferedBytes?: number;
  onDropped?(count: number): void;
  onWritten?(message: OutboundMessage): void;
}

const OPEN = 1;

/** Marks a serialised JSON object as following a gap: the client must refetch over REST. */
export function markUnsynced(data: string): string {
  return `{"synced":false,${data.slice(1)}`;
}

/**
 * A socket's bounded send queue. Messages go straight into the socket while its buffer is under
 * the threshold; otherwise they wait here, and when more than `capacity` wait the oldest are
 * dropped and the next message written carries `"synced": false`. Each write's completion (the
 * data reached the kernel) flushes again, so a reader that catches up is served without polling.
 */
export class SendQueue {
  private readonly items: OutboundMessage[] = [];
  private readonly capacity: number;
  private readonly maxBufferedBytes: number;
  private readonly waiters: { level: number; resolve: () => void }[] = [];
  private syncLost = false;
  private closed = false;
  private readonly afterWrite = () => this.flush();

  constructor(
    private readonly socket: WritableSocket,
    private readonly options: SendQueueOptions = {},
  ) {
    this.capacity = options.capacity ?? 100;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 256 * 1024;
  }

  /** Messages waiting (not yet written into the socket). */
  get length(): number {
    return this.items.length;
  }

  push(message: OutboundMessage): void {
    if (this.closed) return;
    this.items.push(message);
    if (this.items.length > this.capacity) {
      const dropped = this.items.length - this.capacity;
      this.items.splice(0, dropped);
      this.syncLost = true;
      this.options.onDropped?.(dropped);
    }
    this.flush();
  }

  /** The next message written carries `synced: false` (a gap the queue did not cause). */
  markSyncLost(): void {
    this.syncLost = true;
  }

  /** Resolves once at most `level` messages wait (or the queue closed): replays pace themselves on it. */
  whenAtMost(level: number): Promise<void> {
    if (this.closed || this.items.length <= level) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ level, resolve }));
  }

  flush(): void {
    while (
      !this.closed &&
      this.items.length > 0 &&
      this.socket.readyState === OPEN &&
      this.socket.bufferedAmount < this.maxBufferedBytes
    ) {
      const message = this.items.shift()!;
      const data = this.syncLost ? markUnsynced(message.data) : message.data;
      this.syncLost = false;
      this.socket.send(data, this.afterWrite);
      this.options.onWritten?.(message);
    }
    this.wake();
  }

  /** Drops whatever waits and releases every waiter; later pushes are ignored. */
  close(): void {
    this.closed = true;
    this.items.length = 0;
    this.wake();
  }

  private wake(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (this.closed || this.items.length <= waiter.level) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}
