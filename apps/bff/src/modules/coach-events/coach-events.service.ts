import type { CoachEvent, CoachEventPayloads, CoachEventType } from '@tt/shared';
import type { Database } from '@tt/db';
import type { PubSub } from '../../infra/pubsub';
import { appendCoachEvents, listCoachEventsAfter, type StoredCoachEvent } from './coach-events.repository';

/** Pub/sub channel on which every process hears a user's new events. */
export const userChannel = (userId: string) => `coach:${userId}`;

export function toWireEvent(event: StoredCoachEvent): CoachEvent {
  return {
    ...(event.payload as object),
    id: String(event.id),
    type: event.type as CoachEventType,
    ts: event.createdAt.toISOString(),
  } as CoachEvent;
}

export interface CoachEventsService {
  /** Persists the event (so a reconnecting client can fetch it), then fans it out to every BFF. */
  raise<T extends CoachEventType>(
    userId: string,
    type: T,
    payload: CoachEventPayloads[T],
  ): Promise<CoachEvent>;
  raiseMany<T extends CoachEventType>(
    userId: string,
    type: T,
    payloads: CoachEventPayloads[T][],
  ): Promise<CoachEvent[]>;
  listAfter(userId: string, afterId: number, limit?: number): Promise<CoachEvent[]>;
}

export function createCoachEventsService(deps: { db: Database; pubsub: PubSub }): CoachEventsService {
  // One message per raise, an event per line (JSON text holds no raw newline): scoring's 2,000
  // events a chunk are one PUBLISH, not 2,000. `parseLiveEvents` is the other side.
  const publish = (userId: string, events: CoachEvent[]) =>
    deps.pubsub.publish(userChannel(userId), events.map((event) => JSON.stringify(event)).join('\n'));
  const raiseMany: CoachEventsService['raiseMany'] = async (userId, type, payloads) => {
    if (payloads.length === 0) return [];
    const stored = await deps.db.transaction((tx) => appendCoachEvents(tx, userId, type, payloads));
    const events = stored.map(toWireEvent);
    await publish(userId, events);
    return events;
  };
  return {
    raise: async (userId, type, payload) => (await raiseMany(userId, type, [payload]))[0]!,
    raiseMany,
    listAfter: async (userId, afterId, limit = 1000) =>
      (await listCoachEventsAfter(deps.db, userId, afterId, limit)).map(toWireEvent),
  };
}
