import { useQueryClient } from '@tanstack/react-query';
import { WsCloseCode } from '@tt/shared';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { queryKeys } from '../api/query-keys';
import { useNotify } from '../components/toasts';
import { createCoachSocket, type CoachSocket, type SyncLostReason } from '../live';
import { applyCoachEvent, type ReflectBurst } from './apply-event';
import { LiveContext, type LiveContextValue, type LiveStatus } from './live-context';

const NOTICES: Record<SyncLostReason, string> = {
  reconnected:
    'You were offline for a moment. Updates you missed have been delivered and this page is refreshed.',
  dropped: 'Some live updates were skipped while the connection was busy. This page has been refreshed.',
};

/** Opens the coach socket for the signed-in trader and turns its events into screen updates and toasts. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [notice, setNotice] = useState<string | null>(null);
  const socketRef = useRef<CoachSocket | null>(null);

  useEffect(() => {
    const burst: ReflectBurst = { count: 0, lastAt: 0 };
    const syncLost = (reason: SyncLostReason) => {
      setNotice(NOTICES[reason]);
      void queryClient.invalidateQueries();
    };
    let socket: CoachSocket | null = null;
    // Where a socket opened after the browser was offline resumes: the last event its predecessor saw.
    let resumeFrom: number | null = null;
    let resuming = false;

    const open = () => {
      socket = createCoachSocket({
        lastEventId: resumeFrom,
        onEvent: (event) => applyCoachEvent(event, { queryClient, notify, burst }),
        onSyncLost: syncLost,
        onStatus: (next, info) => {
          setStatus(next);
          if (next === 'open' && resuming) {
            resuming = false;
            syncLost('reconnected');
          }
          // The server ended the session (logout elsewhere, revoked, deleted): the me query sends the trader to /login.
          if (info.closeCode === WsCloseCode.SESSION_ENDED)
            void queryClient.invalidateQueries({ queryKey: queryKeys.me });
        },
      });
      socketRef.current = socket;
    };
    // A socket can look open for minutes after the network is gone; the browser knows at once.
    // Offline closes it, and back online a new one resumes from the last event seen.
    const goOffline = () => {
      if (!socket) return;
      resumeFrom = socket.lastEventId ?? resumeFrom;
      socket.close();
      socket = null;
      socketRef.current = null;
      setStatus('offline');
    };
    const goOnline = () => {
      if (socket) return;
      resuming = true;
      open();
    };

    open();
    window.addEventListener('offline', goOffline);
    window.addEventListener('online', goOnline);
    return () => {
      window.removeEventListener('offline', goOffline);
      window.removeEventListener('online', goOnline);
      socketRef.current = null;
      socket?.close();
    };
  }, [queryClient, notify]);

  const value = useMemo<LiveContextValue>(
    () => ({
      status,
      notice,
      dismissNotice: () => setNotice(null),
      disconnect: () => socketRef.current?.close(),
      send: (command) => {
        const socket = socketRef.current;
        return socket ? socket.send(command) : Promise.reject(new Error('Live updates are not connected.'));
      },
    }),
    [status, notice],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}
