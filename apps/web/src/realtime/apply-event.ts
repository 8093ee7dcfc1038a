import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { CoachEventMessage, ImportDto, Page, TradeDto } from '@tt/shared';
import { queryKeys } from '../api/query-keys';
import { BIAS_LABEL_INFO } from '../lib/bias-labels';
import type { ImportState } from '../lib/import-progress';
import type { Toast } from '../components/toasts';

/** Counts reflections that arrive in a burst (an import tags hundreds), so they make one toast. */
export interface ReflectBurst {
  count: number;
  lastAt: number;
}

const BURST_WINDOW_MS = 10_000;

export interface ApplyEventDeps {
  queryClient: QueryClient;
  notify: (toast: Toast) => void;
  burst: ReflectBurst;
  now?: () => number;
}

/** A live import snapshot in the cache: the REST fields merged with what the event adds (`toScore`). */
export type ImportRunView = Partial<ImportDto> & ImportState;

/**
 * Applies one coach event to the screens: caches are patched in place where the event carries
 * the data (a trade's new labels, an import's progress) and invalidated where it does not, and
 * the trader gets a toast.
 */
export function applyCoachEvent(event: CoachEventMessage, deps: ApplyEventDeps): void {
  const { queryClient, notify } = deps;
  switch (event.type) {
    case 'coach.reflect': {
      const labels = event.labels.map((l) => ({ label: l.name, confidence: l.confidence }));
      queryClient.setQueriesData<InfiniteData<Page<TradeDto>>>(
        { queryKey: [...queryKeys.trades, 'list'] },
        (data) =>
          data
            ? {
                ...data,
                pages: data.pages.map((page) => ({
                  ...page,
                  items: page.items.map((t) => (t.id === event.tradeId ? { ...t, labels } : t)),
                })),
              }
            : data,
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.trade(event.tradeId) });
      const now = (deps.now ?? Date.now)();
      deps.burst.count = now - deps.burst.lastAt < BURST_WINDOW_MS ? deps.burst.count + 1 : 1;
      deps.burst.lastAt = now;
      const top = event.labels[0];
      const what = `${event.symbol} ${event.side === 'BUY' ? 'buy' : 'sell'}${top ? ` tagged ${BIAS_LABEL_INFO[top.name].name}` : ''}`;
      notify({
        key: 'coach.reflect',
        text:
          deps.burst.count > 1
            ? `${deps.burst.count} new reflections. Latest: ${what}.`
            : `New reflection: ${what}.`,
        href: `/trades/${event.tradeId}`,
        linkText: 'Open trade',
      });
      return;
    }
    case 'import.progress': {
      queryClient.setQueryData<ImportRunView>(queryKeys.importRun(event.importId), (old) => ({
        ...old,
        id: event.importId,
        status: event.status,
        phase: event.phase,
        fetched: event.fetched,
        inserted: event.inserted,
        duplicates: event.duplicates,
        scored: event.scored,
        toScore: event.toScore ?? old?.toScore ?? null,
        error: event.error,
      }));
      if (event.status === 'succeeded' || event.status === 'failed') {
        void queryClient.invalidateQueries({ queryKey: queryKeys.imports, exact: true });
        void queryClient.invalidateQueries({ queryKey: queryKeys.trades });
        void queryClient.invalidateQueries({ queryKey: queryKeys.brokers });
        notify(
          event.status === 'succeeded'
            ? {
                key: `import:${event.importId}`,
                tone: 'success',
                text: `Import finished: ${event.inserted} new trades.`,
                href: '/trades',
                linkText: 'See trades',
              }
            : {
                key: `import:${event.importId}`,
                tone: 'error',
                text: `The import stopped${event.error ? `: ${event.error}` : '.'}`,
              },
        );
      }
      return;
    }
    case 'digest.ready':
      void queryClient.invalidateQueries({ queryKey: queryKeys.digests });
      notify({
        key: 'digest.ready',
        tone: 'success',
        text: 'Your weekly digest is ready.',
        href: '/digest',
        linkText: 'Read it',
      });
      return;
  }
}
