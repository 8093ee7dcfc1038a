import { useQuery } from '@tanstack/react-query';
import { BIAS_LABELS, type BiasLabel, type TradeDetailDto } from '@tt/shared';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'wouter';
import { simulationsApi } from '../../api/insights.api';
import { fieldErrors } from '../../api/problem';
import { queryKeys } from '../../api/query-keys';
import { tradesApi } from '../../api/trades.api';
import { useCurrentUser } from '../../components/current-user';
import { SelectField, TextField } from '../../components/field';
import { PageHeading } from '../../components/page-heading';
import { ErrorState, Loading } from '../../components/states';
import { BIAS_LABEL_INFO } from '../../lib/bias-labels';
import { fractionToPercentInput, percentInputToFraction } from '../../lib/format';
import { HORIZON_DAYS, defaultHorizonDays } from '../../lib/simulation-horizon';
import { ScenarioCard } from './scenario-card';

const HORIZONS = HORIZON_DAYS.map((d) => ({ value: String(d), label: `${d} day${d === 1 ? '' : 's'}` }));
const LABELS = [
  { value: '', label: 'This trade’s strongest tag' },
  ...BIAS_LABELS.map((l) => ({ value: l, label: BIAS_LABEL_INFO[l].name })),
];
const DEFAULT_PULLBACK = 0.02;

interface SimulationParams {
  horizonDays: number;
  pullbackPct: number;
  skipLabel: BiasLabel | '';
}

function Simulation({ trade, timeZone }: { trade: TradeDetailDto; timeZone: string }) {
  const [params, setParams] = useState<SimulationParams>(() => ({
    horizonDays: defaultHorizonDays(trade.ts),
    pullbackPct: DEFAULT_PULLBACK,
    skipLabel: '',
  }));
  const [draft, setDraft] = useState({
    horizon: String(params.horizonDays),
    pullback: fractionToPercentInput(DEFAULT_PULLBACK),
    skipLabel: '',
  });
  const [pullbackError, setPullbackError] = useState<string | undefined>();
  const simulation = useQuery({
    queryKey: ['simulation', trade.id, params],
    queryFn: ({ signal }) =>
      simulationsApi.simple(
        {
          tradeId: trade.id,
          horizonDays: params.horizonDays,
          pullbackPct: params.pullbackPct,
          ...(params.skipLabel ? { skipLabel: params.skipLabel } : {}),
        },
        signal,
      ),
    staleTime: 5 * 60_000,
  });
  const errors = fieldErrors(simulation.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    const pullback = percentInputToFraction(draft.pullback);
    if (pullback === null || pullback <= 0 || pullback > 0.5) {
      setPullbackError('Enter a pullback between 0.1 and 50 percent.');
      return;
    }
    setPullbackError(undefined);
    setParams({
      horizonDays: Number(draft.horizon),
      pullbackPct: pullback,
      skipLabel: draft.skipLabel as BiasLabel | '',
    });
  }

  return (
    <>
      <form className="filters" onSubmit={submit} noValidate aria-label="Simulation settings">
        <SelectField
          label="Horizon"
          name="horizonDays"
          value={draft.horizon}
          onChange={(e) => setDraft({ ...draft, horizon: e.target.value })}
          options={HORIZONS}
          error={errors.horizonDays}
        />
        <TextField
          label="Pullback to wait for (%)"
          name="pullbackPct"
          inputMode="decimal"
          value={draft.pullback}
          onChange={(e) => setDraft({ ...draft, pullback: e.target.value })}
          error={pullbackError ?? errors.pullbackPct}
        />
        <SelectField
          label="Trades to leave out"
          name="skipLabel"
          value={draft.skipLabel}
          onChange={(e) => setDraft({ ...draft, skipLabel: e.target.value })}
          options={LABELS}
          error={errors.skipLabel}
        />
        <div className="filter-actions">
          <button type="submit" className="button" disabled={simulation.isFetching}>
            {simulation.isFetching ? 'Simulating…' : 'Run simulation'}
          </button>
        </div>
      </form>
      {simulation.isPending ? (
        <Loading label="Replaying the market…" />
      ) : simulation.isError ? (
        <ErrorState
          error={simulation.error}
          onRetry={() => void simulation.refetch()}
          title="The simulation could not run"
        />
      ) : (
        <>
          <p className="muted" role="status">
            {simulation.data.trades} fill{simulation.data.trades === 1 ? '' : 's'} in{' '}
            {simulation.data.request.symbol}, {simulation.data.request.horizonDays}-day horizon
            {simulation.data.cached ? ' (from cache)' : ''}.
          </p>
          {simulation.data.scenarios.map((scenario) => (
            <ScenarioCard
              key={scenario.kind}
              scenario={scenario}
              quote={simulation.data.quoteCurrency}
              timeZone={timeZone}
            />
          ))}
        </>
      )}
    </>
  );
}

export default function SimulatePage() {
  const { id = '' } = useParams<{ id: string }>();
  const me = useCurrentUser();
  const trade = useQuery({ queryKey: queryKeys.trade(id), queryFn: () => tradesApi.detail(id) });
  const title = trade.data
    ? `What if: ${trade.data.symbol} ${trade.data.side === 'BUY' ? 'buy' : 'sell'}`
    : 'What if…';
  return (
    <>
      <p>
        <Link href={`/trades/${id}`}>← Back to the trade</Link>
      </p>
      <PageHeading title={title}>
        <p className="muted">
          Simulations replay real prices after your trade. They describe the past, not advice for the future.
        </p>
      </PageHeading>
      {trade.isPending ? (
        <Loading label="Loading the trade…" />
      ) : trade.isError ? (
        <ErrorState error={trade.error} onRetry={() => void trade.refetch()} />
      ) : (
        <Simulation trade={trade.data} timeZone={me.timeZone} />
      )}
    </>
  );
}
