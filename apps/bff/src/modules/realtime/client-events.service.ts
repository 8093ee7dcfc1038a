import {
  WsErrors,
  type ChatReflection,
  type JournalNote,
  type ReflectRequest,
  type ReflectResponse,
} from '@tt/shared';
import type { Database } from '@tt/db';
import { TradeErrors, type TradesService } from '../trades';
import {
  insertChatReflection,
  insertNoteOnOwnTrade,
  setReflectionFeedback,
} from './client-events.repository';

/** What the coach socket's commands do, each on the caller's own data only. */
export interface ClientEventsService {
  /** A new reflection on the trade in the asked tone, stored with source `chat`. */
  askReflection(
    userId: string,
    request: { tradeId: string; tone: ReflectRequest['tone'] },
  ): Promise<ChatReflection>;
  /** Stores a thumbs up or down on the reflection; personalisation reads it later. */
  giveFeedback(userId: string, request: { reflectionId: string; value: 'up' | 'down' }): Promise<void>;
  /** A journal note on the trade, stored exactly as given. */
  addNote(userId: string, request: { tradeId: string; text: string }): Promise<JournalNote>;
}

export interface ClientEventsDeps {
  db: Database;
  trades: Pick<TradesService, 'detail'>;
  ml: { reflect(request: ReflectRequest): Promise<ReflectResponse> };
}

export function createClientEventsService(deps: ClientEventsDeps): ClientEventsService {
  return {
    async askReflection(userId, { tradeId, tone }) {
      // The trades service answers TRADES.NOT_FOUND for another user's trade as for a missing one.
      const trade = await deps.trades.detail(userId, tradeId);
      const top = trade.tags[0];
      if (!top)
        throw WsErrors.TRADE_NOT_SCORED({ detail: 'Ask again once the import has tagged this trade.' });
      const reflection = await deps.ml.reflect({ features: top.features, label: top.label, tone });
      const row = await insertChatReflection(deps.db, {
        userId,
        tradeId,
        label: reflection.bias,
        tone: reflection.tone,
        text: reflection.text,
      });
      return {
        id: row.id,
        tradeId: row.tradeId,
        label: row.label,
        tone: row.tone,
        text: row.text,
        feedback: null,
        createdAt: row.createdAt.toISOString(),
      };
    },

    async giveFeedback(userId, { reflectionId, value }) {
      if (!(await setReflectionFeedback(deps.db, userId, reflectionId, value))) {
        throw WsErrors.REFLECTION_NOT_FOUND({ detail: 'No reflection of yours has this id.' });
      }
    },

    async addNote(userId, { tradeId, text }) {
      const row = await insertNoteOnOwnTrade(deps.db, userId, tradeId, text);
      if (!row) throw TradeErrors.NOT_FOUND();
      return { id: row.id, tradeId: row.tradeId, text: row.text, createdAt: row.createdAt.toISOString() };
    },
  };
}
