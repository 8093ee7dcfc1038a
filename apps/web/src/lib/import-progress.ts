import type { ImportPhase, ImportStatus } from '@tt/shared';

/** What the progress bar knows: the REST `ImportDto` fields, plus `toScore` once a live event said it. */
export interface ImportState {
  status: ImportStatus;
  phase: ImportPhase;
  fetched: number;
  inserted: number;
  duplicates: number;
  scored: number;
  toScore?: number | null;
  error?: string | undefined;
}

/** Where each phase starts and ends on the bar, in percent; scoring, the long part, gets half. */
const PHASE_SPAN: Record<ImportPhase, readonly [number, number]> = {
  queued: [0, 2],
  fetching: [2, 30],
  candles: [30, 45],
  pairing: [45, 50],
  scoring: [50, 100],
  done: [100, 100],
  failed: [0, 0],
};

export function isFinished(state: Pick<ImportState, 'status'>): boolean {
  return state.status === 'succeeded' || state.status === 'failed';
}

/** Trades still to tag: the live denominator, or the trades this import inserted. */
function scoringTotal(state: ImportState): number {
  return state.toScore ?? state.inserted;
}

/** The bar's value, 0–100, never past 100; a failed import keeps where it stopped. */
export function importPercent(state: ImportState): number {
  if (state.status === 'succeeded') return 100;
  const [start, end] = PHASE_SPAN[state.phase];
  if (state.phase !== 'scoring') return start;
  const total = scoringTotal(state);
  const within = total > 0 ? Math.min(1, state.scored / total) : 0;
  return Math.round(start + (end - start) * within);
}

/** The words beside the bar. */
export function importStatusText(state: ImportState): string {
  if (state.status === 'failed') return `The import stopped${state.error ? `: ${state.error}` : '.'}`;
  if (state.status === 'succeeded') {
    const dupes = state.duplicates > 0 ? `, ${state.duplicates} already imported` : '';
    return `Done: ${state.inserted} new trade${state.inserted === 1 ? '' : 's'}${dupes}, all tagged.`;
  }
  switch (state.phase) {
    case 'queued':
      return 'Waiting to start…';
    case 'fetching':
      return `Fetching your fills… ${state.fetched} so far`;
    case 'candles':
      return 'Fetching market prices around your trades…';
    case 'pairing':
      return 'Pairing entries and exits into positions…';
    case 'scoring':
      return `Tagging trades: ${state.scored} of ${scoringTotal(state)}`;
    default:
      return 'Finishing…';
  }
}
