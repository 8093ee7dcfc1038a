/** A coach event on its way to one socket, serialised once. */
export interface CursorEvent {
  /** Per-user event id; ids are dense (1, 2, 3, …) and commit in order (the user row's lock). */
  id: number;
  data: string;
  /** When the event was stored (epoch ms). */
  storedAt: number;
}

export interface EventCursorDeps {
  /** Stored events after `afterId`, oldest first, at most `limit`. */
  listAfter(afterId: number, limit: number): Promise<CursorEvent[]>;
  /** Hands the next event to the socket; `live` when it came over pub/sub rather than a replay. */
  deliver(event: CursorEvent, live: boolean): void;
  /** Resolves when the socket has room for a page, so a replay never outruns its reader. */
  whenRoomFor(count: number): Promise<void>;
  /** A gap could not be filled from the store: the client must be told it is out of sync. */
  onGapSkipped(): void;
  isOpen(): boolean;
  /** The store failed during a replay; the socket should close so the client resumes elsewhere. */
  onError(error: unknown): void;
  /** Events per replay page (default 50). */
  pageSize?: number;
  /** Live events held while replaying before they are let go and re-read from the store (default 100). */
  pendingLimit?: number;
}

// Re-reads that find nothing while a later event waits: the missing ones are gone, not late.
const MAX_EMPTY_READS = 3;

/**
 * Keeps one socket's events in id order with no gap and no duplicate, across the switch from
 * replaying stored events to live ones. Live events that arrive out of order, or while a replay
 * runs, wait in `pending`; a gap is filled from the store, which already holds every event before
 * one that was published (ids commit in order). At-least-once: the store is the truth, pub/sub is
 * only the doorbell.
 */
export class EventCursor {
  private lastId: number | null;
  private readonly pending = new Map<number, CursorEvent>();
  private readonly pageSize: number;
  private readonly pendingLimit: number;
  private replaying = false;
  /** Bumped by `resume`: a page read before it is stale. */
  private epoch = 0;
  /** Bumped when pending live events are let go: the replay must read the store once more. */
  private discarded = 0;

  /** `lastEventId` null: live from the first event heard; a number: replay everything after it first. */
  constructor(
    private readonly deps: EventCursorDeps,
    lastEventId: number | null,
  ) {
    this.lastId = lastEventId;
    this.pageSize = deps.pageSize ?? 50;
    this.pendingLimit = deps.pendingLimit ?? 100;
  }

  /** Call once the live subscription is in place, so nothing committed after the replay is missed. */
  start(): void {
    if (this.lastId !== null) void this.replay();
  }

  /** The highest event id handed to the socket (or the resume point before any). */
  get position(): number | null {
    return this.lastId;
  }

  resume(lastEventId: number): void {
    this.lastId = lastEventId;
    this.epoch += 1;
    void this.replay();
  }

  onLive(event: CursorEvent): void {
    if (this.lastId === null && !this.replaying) this.lastId = event.id - 1;
    if (this.lastId !== null && event.id <= this.lastId) return;
    if (!this.replaying && event.id === this.lastId! + 1) {
      this.hand(event, true);
      return;
    }
    this.pending.set(event.id, event);
    if (this.pending.size > this.pendingLimit) {
      this.pending.clear();
      this.discarded += 1;
    }
    if (!this.replaying) void this.replay();
  }

  private hand(event: CursorEvent, live: boolean): void {
    this.lastId = event.id;
    this.deps.deliver(event, live);
  }

  private drainPending(): void {
    for (const id of this.pending.keys()) if (id <= this.lastId!) this.pending.delete(id);
    let next = this.pending.get(this.lastId! + 1);
    while (next) {
      this.pending.delete(next.id);
      this.hand(next, true);
      next = this.pending.get(this.lastId! + 1);
    }
  }

  /** Only ever runs with a position: set by the constructor, `resume`, or the first live event. */
  private async replay(): Promise<void> {
    if (this.replaying) return;
    this.replaying = true;
    try {
      let emptyReads = 0;
      while (this.deps.isOpen()) {
        await this.deps.whenRoomFor(this.pageSize);
        if (!this.deps.isOpen()) return;
        const epoch = this.epoch;
        const discarded = this.discarded;
        const page = await this.deps.listAfter(this.lastId!, this.pageSize);
        if (epoch !== this.epoch) continue;
        for (const event of page) if (event.id > this.lastId!) this.hand(event, false);
        if (page.length === this.pageSize || discarded !== this.discarded) continue;
        this.drainPending();
        if (this.pending.size === 0) return;
        emptyReads = page.length === 0 ? emptyReads + 1 : 0;
        if (emptyReads >= MAX_EMPTY_READS) {
          this.lastId = Math.min(...this.pending.keys()) - 1;
          this.deps.onGapSkipped();
          this.drainPending();
          if (this.pending.size === 0) return;
        }
      }
    } catch (error) {
      this.deps.onError(error);
    } finally {
      this.replaying = false;
    }
  }
}
