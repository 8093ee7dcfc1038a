import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'wouter';
import { ApiError } from '../../api/problem';
import { queryKeys } from '../../api/query-keys';
import { tradesApi } from '../../api/trades.api';
import { BiasChip } from '../../components/bias-chip';
import { useCurrentUser } from '../../components/current-user';
import { PageHeading } from '../../components/page-heading';
import { Pnl } from '../../components/pnl';
import { EmptyState, ErrorState, Loading } from '../../components/states';
import { BIAS_LABEL_INFO } from '../../lib/bias-labels';
import { explainFeatures } from '../../lib/feature-explanations';
import { formatDateTime, formatDecimal, formatHours, formatPercent } from '../../lib/format';
import { NotesPanel } from './notes-panel';
import { ReflectionPanel } from './reflection-panel';
import { TradeChartCard } from './trade-chart-card';

export default function TradeDetailPage() {
  const { id = '' } = useParams<{ id: string }>();
  const me = useCurrentUser();
  const trade = useQuery({ queryKey: queryKeys.trade(id), queryFn: () => tradesApi.detail(id) });

  if (trade.isPending) return <Loading label="Loading the trade…" />;
  if (trade.isError) {
    if (trade.error instanceof ApiError && trade.error.status === 404) {
      return (
        <>
          <PageHeading title="Trade not found" />
          <p>
            This trade does not exist or is not yours. <Link href="/trades">Back to your trades</Link>
          </p>
        </>
      );
    }
    return <ErrorState error={trade.error} onRetry={() => void trade.refetch()} />;
  }
  const t = trade.data;
  const side = t.side === 'BUY' ? 'buy' : 'sell';
  const features = explainFeatures(t.features ?? t.tags[0]?.features);

  return (
    <>
      <p>
        <Link href="/trades">← All trades</Link>
      </p>
      <PageHeading title={`${t.symbol} ${side}`}>
        <p className="muted">
          {formatDateTime(t.ts, me.timeZone, true)} · {t.broker} ·{' '}
          {t.source === 'csv' ? 'from CSV' : 'imported'}
        </p>
      </PageHeading>
      <dl className="facts">
        <div>
          <dt>Quantity</dt>
          <dd>{formatDecimal(t.qty)}</dd>
        </div>
        <div>
          <dt>Price</dt>
          <dd>{formatDecimal(t.price)}</dd>
        </div>
        <div>
          <dt>Fee</dt>
          <dd>{formatDecimal(t.feeQuote, { maxDigits: 4 })}</dd>
        </div>
        <div>
          <dt>Realised P&amp;L</dt>
          <dd>
            <Pnl quote={t.pnlQuote} pct={t.pnlPct} />
          </dd>
        </div>
        <div>
          <dt>Held</dt>
          <dd>{formatHours(t.heldHours)}</dd>
        </div>
      </dl>
      <p>
        <Link href={`/trades/${t.id}/simulate`} className="button">
          Open simulation: what if…?
        </Link>
      </p>

      <TradeChartCard trade={t} timeZone={me.timeZone} />

      <div className="grid-2">
        <section className="card" aria-labelledby="tags-heading">
          <h2 id="tags-heading">Why it was tagged</h2>
          {t.tags.length === 0 ? (
            <EmptyState title="Not tagged yet">
              <p>Tags appear as soon as the import has scored this trade.</p>
            </EmptyState>
          ) : (
            <ul className="tags">
              {t.tags.map((tag) => (
                <li key={tag.label}>
                  <p>
                    <BiasChip label={tag.label} />{' '}
                    <span className="muted">{formatPercent(tag.confidence, 0)} confidence</span>
                  </p>
                  <p className="small">{BIAS_LABEL_INFO[tag.label].meaning}</p>
                  {tag.reasons.length > 0 ? (
                    <ul className="reasons">
                      {tag.reasons.map((reason) => (
                        <li key={reason}>{reason}</li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="features-heading">
          <h2 id="features-heading">The market when you traded</h2>
          {features.length === 0 ? (
            <p className="muted">Not enough price history before this trade to measure the market.</p>
          ) : (
            <ul className="features">
              {features.map((f) => (
                <li key={f.key}>
                  <strong>{f.measure}</strong>: {f.meaning}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <ReflectionPanel key={t.id} trade={t} timeZone={me.timeZone} defaultTone={me.tone} />
      <NotesPanel trade={t} timeZone={me.timeZone} />
    </>
  );
}
