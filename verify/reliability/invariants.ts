import { storedEvents, type CoachClient } from '../lib/coach-client';
import { sleep } from '../lib/processes';
import type { Section } from '../lib/report';
import type { Deployment } from './deployment';
import { unfinishedWork, type Inspector } from './inspector';

/** The invariants every fault scenario ends with, read from the stores and the socket (DESIGN.md §5, §5a). */

export async function countDead(deployment: Deployment): Promise<number> {
  const inspector = await deployment.inspect();
  try {
    return (await inspector.deadLetters()).length;
  } finally {
    await inspector.close();
  }
}

export async function checkStores(
  section: Section,
  inspector: Inspector,
  userId: string,
  expectedFills: number,
  succeeded: boolean,
): Promise<void> {
  const counts = await inspector.trades(userId);
  section.equal('database: trades stored = fills at the exchange', counts.total, expectedFills);
  section.equal('database: one row per fill', counts.distinctFills, counts.total);
  if (succeeded) section.equal('database: no trade without a bias tag', counts.untagged, 0);
}

export async function checkQueues(
  section: Section,
  inspector: Inspector,
  userId: string,
  deadBefore: number,
  allowDeadLetter: ((error: string) => boolean) | undefined,
): Promise<void> {
  // Follow-up work (personalisation after scoring) may still be finishing: give it a moment.
  let states = await inspector.queues();
  const deadline = Date.now() + 30_000;
  while (unfinishedWork(states) > 0 && Date.now() < deadline) {
    await sleep(250);
    states = await inspector.queues();
  }
  section.equal(
    'no job stuck (waiting, running or retrying) 30 s after the import ended',
    unfinishedWork(states),
    0,
  );
  section.equal('no import run left queued or running', (await inspector.unfinishedRuns(userId)).length, 0);
  // Newest first: the ones this scenario added lead the list.
  const all = await inspector.deadLetters();
  const dead = all.slice(0, Math.max(0, all.length - deadBefore));
  const unexpected = dead.filter((d) => !(allowDeadLetter?.(d.error) ?? false));
  section.check('dead letters only for permanent errors', unexpected.length === 0, {
    deadLetters: dead.map((d) => ({ queue: d.queue, name: d.name, attempts: d.attempts, error: d.error })),
  });
}

export async function checkEvents(
  section: Section,
  deployment: Deployment,
  socket: CoachClient,
  cookie: string,
  trades: { id: string }[],
  succeeded: boolean,
): Promise<void> {
  const stored = await storedEvents({ base: deployment.base, cookie, origin: deployment.origin }, 1);
  const lastStored = Math.max(0, ...stored.keys());
  try {
    await socket.waitForEvent(lastStored, 30_000);
  } catch {
    // Reported below as missing events.
  }
  await socket.stop();
  const missing = [...stored.keys()].filter((id) => !socket.events.has(id));
  section.check(
    'socket recovered every stored event (reconnect with lastEventId, then resume)',
    missing.length === 0,
    {
      stored: stored.size,
      received: socket.events.size,
      missing: missing.slice(0, 20),
    },
  );
  const dense = [...stored.keys()].every((id, i, all) => i === 0 || id === all[i - 1]! + 1);
  section.check('stored event ids are dense (1, 2, 3, …)', dense && stored.has(1));
  if (succeeded) {
    const reflected = new Set(
      [...socket.events.values()].filter((e) => e.type === 'coach.reflect').map((e) => e.tradeId),
    );
    section.equal(
      'a coach.reflect reached the socket for every trade',
      trades.filter((t) => !reflected.has(t.id)).length,
      0,
    );
  }
  section.figure('socket', {
    events: socket.events.size,
    reconnects: socket.reconnects,
    duplicatesDropped: socket.duplicates,
    outOfOrder: socket.outOfOrder,
    syncLost: socket.syncLost,
    closeCodes: [...new Set(socket.closeCodes)],
  });
}
