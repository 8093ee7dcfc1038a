import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventCursor, type CursorEvent, type EventCursorDeps } from './event-cursor';

const ev = (id: number): CursorEvent => ({ id, data: `{"id":"${id}"}`, storedAt: 0 });

/** A store of committed events and a cursor over it; `listAfter` answers when the test says so. */
function harness(options: {
  committed: number;
  lastEventId: number | null;
  pageSize?: number;
  pendingLimit?: number;
}) {
  let committed = options.committed;
  const delivered: { id: number; live: boolean }[] = [];
  const reads: { afterId: number; answer: () => void }[] = [];
  const state = { open: true, gapSkipped: 0, errors: [] as unknown[], manualReads: false, failReads: false };
  const deps: EventCursorDeps = {
    pageSize: options.pageSize ?? 3,
    pendingLimit: options.pendingLimit ?? 100,
    listAfter: (afterId, limit) => {
      if (state.failReads) return Promise.reject(new Error('database down'));
      const snapshot = () =>
        Array.from({ length: Math.max(0, Math.min(limit, committed - afterId)) }, (_, i) =>
          ev(afterId + 1 + i),
        );
      if (!state.manualReads) return Promise.resolve(snapshot());
      return new Promise((resolve) => reads.push({ afterId, answer: () => resolve(snapshot()) }));
    },
    deliver: (event, live) => delivered.push({ id: event.id, live }),
    whenRoomFor: () => Promise.resolve(),
    onGapSkipped: () => (state.gapSkipped += 1),
    isOpen: () => state.open,
    onError: (error) => state.errors.push(error),
  };
  const cursor = new EventCursor(deps, options.lastEventId);
  return {
    cursor,
    delivered,
    reads,
    state,
    commit: (upTo: number) => (committed = upTo),
    ids: () => delivered.map((d) => d.id),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('EventCursor', () => {
  it('replays every stored event after the resume point in pages, then goes live', async () => {
    const h = harness({ committed: 8, lastEventId: 2 });
    h.cursor.start();
    await settle();
    expect(h.ids()).toEqual([3, 4, 5, 6, 7, 8]);
    expect(h.delivered.every((d) => !d.live)).toBe(true);
    h.commit(9);
    h.cursor.onLive(ev(9));
    expect(h.delivered.at(-1)).toEqual({ id: 9, live: true });
  });

  it('holds live events that arrive during the replay and drops the ones the replay already sent', async () => {
    const h = harness({ committed: 5, lastEventId: 0, pageSize: 10 });
    h.state.manualReads = true;
    h.cursor.start();
    await settle();
    // Events 6 and 7 commit and are published while the first read is still out.
    h.commit(7);
    h.cursor.onLive(ev(6));
    h.cursor.onLive(ev(7));
    h.reads.shift()!.answer();
    await settle();
    expect(h.ids()).toEqual([1, 2, 3, 4, 5, 6, 7]);

    // And when the read already saw them, the held copies are duplicates.
    const g = harness({ committed: 5, lastEventId: 0, pageSize: 10 });
    g.state.manualReads = true;
    g.cursor.start();
    await settle();
    g.commit(7);
    g.cursor.onLive(ev(6));
    g.reads.shift()!.answer();
    g.cursor.onLive(ev(7));
    await settle();
    expect(g.ids()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('without a resume point starts with the first live event and fills a later gap from the store', async () => {
    const h = harness({ committed: 10, lastEventId: null });
    h.cursor.start();
    h.cursor.onLive(ev(10));
    expect(h.ids()).toEqual([10]);
    h.commit(13);
    h.cursor.onLive(ev(13));
    h.cursor.onLive(ev(12));
    await settle();
    expect(h.ids()).toEqual([10, 11, 12, 13]);
    h.cursor.onLive(ev(12));
    expect(h.ids()).toEqual([10, 11, 12, 13]);
  });

  it('goes back to an earlier resume point when the client asks', async () => {
    const h = harness({ committed: 4, lastEventId: 2 });
    h.cursor.start();
    await settle();
    h.cursor.resume(1);
    await settle();
    expect(h.ids()).toEqual([3, 4, 2, 3, 4]);
    expect(h.cursor.position).toBe(4);
  });

  it('lets go of held live events past its bound and reads them from the store instead', async () => {
    const h = harness({ committed: 0, lastEventId: 0, pageSize: 50, pendingLimit: 5 });
    h.state.manualReads = true;
    h.cursor.start();
    await settle();
    h.commit(20);
    for (let id = 1; id <= 20; id++) h.cursor.onLive(ev(id));
    h.reads.shift()!.answer();
    await settle();
    h.reads.shift()!.answer();
    await settle();
    expect(h.ids()).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('skips a gap the store cannot fill, once, and says so', async () => {
    const h = harness({ committed: 3, lastEventId: 3 });
    h.cursor.start();
    await settle();
    h.cursor.onLive(ev(6));
    await settle();
    expect(h.ids()).toEqual([6]);
    expect(h.state.gapSkipped).toBe(1);
  });

  it('reports a store failure instead of delivering out of order', async () => {
    const h = harness({ committed: 3, lastEventId: 0 });
    h.state.failReads = true;
    h.cursor.start();
    await settle();
    expect(h.state.errors).toHaveLength(1);
    expect(h.ids()).toEqual([]);
  });

  it('stops replaying once the socket is gone', async () => {
    const h = harness({ committed: 30, lastEventId: 0 });
    h.state.open = false;
    h.cursor.start();
    await settle();
    expect(h.ids()).toEqual([]);
  });

  it('delivers exactly the events after the resume point, in order, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
        async (s, before, added, pageSize, duplicated) => {
          const lastEventId = Math.floor(before / 2);
          let committed = before;
          const delivered: number[] = [];
          const cursor = new EventCursor(
            {
              pageSize,
              pendingLimit: 4,
              // The read sees what was committed when it started, and answers at any later moment.
              listAfter: (afterId, limit) => {
                const upTo = Math.min(committed, afterId + limit);
                return s.schedule(
                  Promise.resolve(
                    Array.from({ length: Math.max(0, upTo - afterId) }, (_, i) => ev(afterId + 1 + i)),
                  ),
                );
              },
              deliver: (event) => delivered.push(event.id),
              whenRoomFor: () => Promise.resolve(),
              onGapSkipped: () => {
                throw new Error('no event is ever missing from the store');
              },
              isOpen: () => true,
              onError: (error) => {
                throw error;
              },
            },
            lastEventId,
          );
          cursor.start();
          // Events commit in id order; each is published at any later moment, some twice.
          const commits = Array.from({ length: added }, (_, i) => before + i + 1).map((id) => async () => {
            committed = id;
            const publish = () => s.schedule(Promise.resolve()).then(() => cursor.onLive(ev(id)));
            void publish();
            if (duplicated[id % duplicated.length]) void publish();
          });
          s.scheduleSequence(commits);
          // The cursor's own awaits run between scheduled tasks: settle them before looking again.
          do {
            await s.waitAll();
            await settle();
          } while (s.count() > 0);
          const expected = Array.from(
            { length: before + added - lastEventId },
            (_, i) => lastEventId + 1 + i,
          );
          expect(delivered).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
