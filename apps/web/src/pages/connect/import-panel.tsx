import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { queryKeys } from '../../api/query-keys';
import { tradesApi } from '../../api/trades.api';
import { ErrorState, FormError, Loading } from '../../components/states';
import { importPercent, importStatusText, isFinished } from '../../lib/import-progress';
import type { ImportRunView } from '../../realtime/apply-event';

const POLL_MS = 1_500;

/** A live progress bar for one import: socket events fill it, polling covers a quiet socket. */
export function ImportProgressBar({ importId }: { importId: string }) {
  const run = useQuery<ImportRunView>({
    queryKey: queryKeys.importRun(importId),
    queryFn: async () => {
      const dto = await tradesApi.importRun(importId);
      return dto;
    },
    // Keep the live `toScore` a socket event put in the cache when the poll answers.
    structuralSharing: (old, fresh) => ({
      ...(old as ImportRunView | undefined),
      ...(fresh as ImportRunView),
      toScore: (old as ImportRunView | undefined)?.toScore ?? null,
    }),
    refetchInterval: (query) => (query.state.data && isFinished(query.state.data) ? false : POLL_MS),
  });
  if (!run.data)
    return run.isError ? (
      <ErrorState error={run.error} onRetry={() => void run.refetch()} />
    ) : (
      <Loading label="Starting the import…" />
    );
  const percent = importPercent(run.data);
  const text = importStatusText(run.data);
  return (
    <div className="import-progress">
      <label htmlFor={`import-${importId}`}>Import progress</label>
      <progress id={`import-${importId}`} max={100} value={percent} aria-valuetext={`${percent}%: ${text}`}>
        {percent}%
      </progress>
      <p role="status" className={run.data.status === 'failed' ? 'loss' : undefined}>
        {percent}% · {text}
      </p>
      {run.data.status === 'succeeded' ? (
        <p>
          <Link href="/trades" className="button">
            See my trades
          </Link>
        </p>
      ) : null}
    </div>
  );
}

/** Start an import of the last 30 days and follow it; shows the latest import when there is one. */
export function ImportPanel({
  canImport,
  startedId,
  onStarted,
}: {
  canImport: boolean;
  /** The import this page started (button or CSV upload); the latest one otherwise. */
  startedId: string | null;
  onStarted: (importId: string) => void;
}) {
  const queryClient = useQueryClient();
  const imports = useQuery({ queryKey: queryKeys.imports, queryFn: tradesApi.imports });
  const start = useMutation({
    mutationFn: () => tradesApi.startImport(),
    onSuccess: (accepted) => {
      onStarted(accepted.importId);
      void queryClient.invalidateQueries({ queryKey: queryKeys.imports, exact: true });
    },
  });
  const latest = imports.data?.items[0];
  const shownId = startedId ?? latest?.id ?? null;
  const running = latest ? !isFinished(latest) : false;

  return (
    <section className="card" aria-labelledby="import-heading">
      <h2 id="import-heading">Import your trades</h2>
      <p>
        We fetch your fills from the last 30 days, pair them into positions, look at the market around each
        trade and tag the habits behind it. Trades you already imported are skipped.
      </p>
      {imports.isError ? <ErrorState error={imports.error} onRetry={() => void imports.refetch()} /> : null}
      {shownId ? <ImportProgressBar key={shownId} importId={shownId} /> : null}
      {!canImport ? <p className="muted">Connect an exchange above first.</p> : null}
      <FormError error={start.error} />
      <button
        type="button"
        className={shownId ? 'button secondary' : 'button'}
        onClick={() => start.mutate()}
        disabled={!canImport || start.isPending || (running && !startedId)}
      >
        {start.isPending ? 'Starting…' : shownId ? 'Import again' : 'Import my last 30 days'}
      </button>
    </section>
  );
}
