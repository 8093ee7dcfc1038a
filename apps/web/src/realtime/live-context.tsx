import type { AckFor, ClientCommandType } from '@tt/shared';
import type { CoachSocketStatus, CommandOf } from '../live';
import { createContext, useContext } from 'react';

export type LiveStatus = CoachSocketStatus;

export interface LiveContextValue {
  status: LiveStatus;
  /** A notice after live updates were missed (reconnect, `synced: false`); the data is being refetched. */
  notice: string | null;
  dismissNotice: () => void;
  /** Closes the socket for good (before signing out, so it does not retry with a dead session). */
  disconnect: () => void;
  /** Sends a command over the coach socket and resolves with its `ack` (rejects with its `error`). */
  send: <T extends ClientCommandType>(command: CommandOf<T>) => Promise<AckFor<T>>;
}

export const LiveContext = createContext<LiveContextValue>({
  status: 'closed',
  notice: null,
  dismissNotice: () => undefined,
  disconnect: () => undefined,
  send: () => Promise.reject(new Error('Live updates are not connected.')),
});

export function useLive(): LiveContextValue {
  return useContext(LiveContext);
}
