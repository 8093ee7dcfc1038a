import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { DigestDto } from '@tt/shared';
import { useState } from 'react';
import { Link } from 'wouter';
import { digestsApi } from '../../api/insights.api';
import { ApiError } from '../../api/problem';
import { queryKeys } from '../../api/query-keys';
import { BiasChip } from '../../components/bias-chip';
import { PageHeading } from '../../components/page-heading';
import { Pnl } from '../../components/pnl';
import { EmptyState, ErrorState, FormError, Loading } from '../../components/states';
import { decimalSign, formatDecimal, formatMoney, formatPercent } from '../../lib/format';
import { CostPerLabelChart, LabelsByWeekChart } from './digest-charts';

const BUILD_POLL_MS = 2_000;
const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', timeZone: 'UTC' });
const TREND_WORDS = { up: 'up from', down: 'down from', same: 'same as' } as const;

/** The week's local days (`firstDay`, `lastDay` are YYYY-MM-DD in the trader's zone). */
function period(d: DigestDto): string {
  return `${dayFormat.format(new Date(d.payload.firstDay))} – ${dayFormat.format(new Date(d.payload.lastDay))}`;
}

function DigestView({ digest }: { digest: DigestDto }) {
  const p = digest.payload;
  return (
    <>
      <p className="muted">
        {period(digest)} ({p.timeZone})
        {p.quoteCurrencies.length > 0 ? ` · amounts in ${p.quoteCurrencies.join(' + ')}` : ''}
      </p>
      {p.habit ? (
        <section className="card highlight" aria-labelledby="habit-heading">
          <h2 id="habit-heading">One habit to work on</h2>
          <p>
            <BiasChip label={p.habit.label} /> {p.habit.text}
          </p>
          {decimalSign(p.habit.cost) < 0 ? (
            <p className="muted">
              It cost you <Pnl quote={p.habit.cost} /> this week.
            </p>
          ) : null}
        </section>
      ) : null}
      {p.reflection ? (
        <section className="card" aria-labelledby="digest-reflection-heading">
          <h2 id="digest-reflection-heading">Your coach’s view of the week</h2>
          <p>{p.reflection}</p>
        </section>
      ) : null}
      <dl className="facts">
        <div>
          <dt>Trades</dt>
          <dd>{p.trades}</dd>
        </div>
        <div>
          <dt>Closed positions</dt>
          <dd>{p.closedPositions}</dd>
        </div>
        <div>
          <dt>Win rate</dt>
          <dd>{formatPercent(p.winRate, 0)}</dd>
        </div>
        <div>
          <dt>Realised P&amp;L</dt>
          <dd>
            <Pnl quote={p.pnl} />
          </dd>
        </div>
        <div>
          <dt>Expectancy per position</dt>
          <dd>{p.expectancy == null ? '—' : formatMoney(p.expectancy, true)}</dd>
        </div>
        <div>
          <dt>Profit factor</dt>
          <dd>{p.profitFactor == null ? '—' : formatDecimal(p.profitFactor.toFixed(2))}</dd>
        </div>
      </dl>
      <div className="grid-2">
        <section className="card" aria-labelledby="weeks-heading">
          <h2 id="weeks-heading">Tags by week</h2>
          <LabelsByWeekChart history={p.history} />
        </section>
        <section className="card" aria-labelledby="cost-heading">
          <h2 id="cost-heading">What each habit cost this week</h2>
          <CostPerLabelChart labels={p.labels} />
        </section>
      </div>
      <section className="card" aria-labelledby="more-heading">
        <h2 id="more-heading">More about the week</h2>
        <ul className="plain-list">
          {p.dispositionEffect?.difference != null ? (
            <li>
              Disposition effect {formatDecimal(p.dispositionEffect.difference.toFixed(2), { signed: true })}:{' '}
              {p.dispositionEffect.difference > 0
                ? 'you realised gains more readily than losses (holding losers, selling winners).'
                : 'you did not hold losers longer than winners.'}
            </li>
          ) : null}
          {p.best ? (
            <li>
              Best position: <Link href={`/trades/${p.best.tradeId}`}>{p.best.symbol}</Link>{' '}
              <Pnl quote={p.best.pnl} />
            </li>
          ) : null}
          {p.worst ? (
            <li>
              Worst position: <Link href={`/trades/${p.worst.tradeId}`}>{p.worst.symbol}</Link>{' '}
              <Pnl quote={p.worst.pnl} />
            </li>
          ) : null}
          {p.labels
            .filter((l) => l.count > 0)
            .map((l) => (
              <li key={l.label}>
                <BiasChip label={l.label} /> {l.count} this week, {TREND_WORDS[l.trend]} {l.previousWeekCount}{' '}
                the week before
              </li>
            ))}
        </ul>
      </section>
    </>
  );
}

export default function DigestPage() {
  const queryClient = useQueryClient();
  const [building, setBuilding] = useState(false);
  const latest = useQuery({
    queryKey: queryKeys.latestDigest,
    queryFn: digestsApi.latest,
    retry: false,
    // While a digest is being built, look again until it lands (digest.ready usually comes first).
    refetchInterval: building ? BUILD_POLL_MS : false,
  });
  const build = useMutation({
    mutationFn: digestsApi.build,
    onSuccess: () => {
      setBuilding(true);
      void queryClient.invalidateQueries({ queryKey: queryKeys.digests });
    },
  });
  if (building && latest.data && latest.dataUpdatedAt > (build.submittedAt ?? 0)) setBuilding(false);
  const missing = latest.error instanceof ApiError && latest.error.status === 404;

  return (
    <>
      <PageHeading title="Weekly digest" />
      {latest.isPending ? (
        <Loading label="Loading your digest…" />
      ) : latest.data ? (
        <>
          <DigestView digest={latest.data} />
          <FormError error={build.error} />
          <button
            type="button"
            className="button secondary"
            onClick={() => build.mutate()}
            disabled={build.isPending || building}
          >
            {building ? 'Building…' : 'Rebuild this week’s digest'}
          </button>
        </>
      ) : missing ? (
        <EmptyState title="No digest yet">
          <p>Your digest arrives every Monday morning. You can build last week’s now.</p>
          <FormError error={build.error} />
          <button
            type="button"
            className="button"
            onClick={() => build.mutate()}
            disabled={build.isPending || building}
          >
            {building || build.isPending ? 'Building your digest…' : 'Build my digest'}
          </button>
          {building ? <Loading label="Building your digest…" /> : null}
        </EmptyState>
      ) : (
        <ErrorState error={latest.error} onRetry={() => void latest.refetch()} />
      )}
    </>
  );
}
