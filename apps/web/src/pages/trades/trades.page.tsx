import { useInfiniteQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { queryKeys } from '../../api/query-keys';
import { tradesApi } from '../../api/trades.api';
import { useCurrentUser } from '../../components/current-user';
import { PageHeading } from '../../components/page-heading';
import { EmptyState, ErrorState, Loading } from '../../components/states';
import {
  filtersFromSearch,
  filtersToQuery,
  filtersToSearch,
  type TradeFilters,
} from '../../lib/trade-filters';
import { TradeFiltersForm } from './trade-filters-form';
import { TradesTable } from './trades-table';

export default function TradesPage() {
  const me = useCurrentUser();
  const search = useSearch();
  const [, navigate] = useLocation();
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const filtered = filtersToSearch(filters) !== '';

  const trades = useInfiniteQuery({
    queryKey: queryKeys.tradeList(filters),
    queryFn: ({ pageParam, signal }) =>
      tradesApi.list(filtersToQuery(filters, me.timeZone), pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = useMemo(() => trades.data?.pages.flatMap((p) => p.items) ?? [], [trades.data]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = trades;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const apply = (next: TradeFilters) => {
    const query = filtersToSearch(next);
    navigate(query ? `/trades?${query}` : '/trades');
  };

  return (
    <>
      <PageHeading title="Trades">
        <p className="muted">Times in {me.timeZone}. Open a trade to see why it was tagged.</p>
      </PageHeading>
      <TradeFiltersForm key={search} value={filters} onApply={apply} />
      {trades.isPending ? (
        <Loading label="Loading your trades…" />
      ) : trades.isError ? (
        <ErrorState error={trades.error} onRetry={() => void trades.refetch()} />
      ) : rows.length === 0 ? (
        filtered ? (
          <EmptyState title="No trades match these filters">
            <button type="button" className="button secondary" onClick={() => navigate('/trades')}>
              Clear filters
            </button>
          </EmptyState>
        ) : (
          <EmptyState title="No trades yet">
            <p>
              <Link href="/connect">Connect an exchange and import your last 30 days</Link> to see your trades
              here.
            </p>
          </EmptyState>
        )
      ) : (
        <>
          <p className="table-summary" role="status">
            {rows.length.toLocaleString('en-US')} trade{rows.length === 1 ? '' : 's'}
            {hasNextPage ? ' so far; more load as you scroll' : ''}
          </p>
          <TradesTable
            trades={rows}
            timeZone={me.timeZone}
            hasMore={Boolean(hasNextPage)}
            loadMore={loadMore}
          />
        </>
      )}
    </>
  );
}
