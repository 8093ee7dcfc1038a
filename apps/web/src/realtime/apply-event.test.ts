import { QueryClient, type InfiniteData } from '@tanstack/react-query';
import type { CoachEventMessage, Page, TradeDto } from '@tt/shared';
import { describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../api/query-keys';
import { EMPTY_FILTERS } from '../lib/trade-filters';
import { applyCoachEvent, type ImportRunView } from './apply-event';

const trade = { id: 't1', symbol: 'BTC-USD', side: 'BUY', labels: [] } as unknown as TradeDto;
const reflect = (id: string, tradeId = 't1'): CoachEventMessage => ({
  id,
  type: 'coach.reflect',
  ts: '2026-03-01T10:00:05Z',
  tradeId,
  tradeTs: '2026-03-01T10:00:00Z',
  symbol: 'BTC-USD',
  side: 'BUY',
  labels: [{ name: 'FOMO', confidence: 0.8 }],
  insight: 'Bought a spike.',
});

function setup() {
  const queryClient = new QueryClient();
  const notify = vi.fn();
  const burst = { count: 0, lastAt: 0 };
  let now = 1_000_000;
  const deps = { queryClient, notify, burst, now: () => now };
  return { queryClient, notify, deps, advance: (ms: number) => (now += ms) };
}

describe('applyCoachEvent', () => {
  it('puts a reflection’s labels on the trade row in place and toasts once per burst', () => {
    const { queryClient, notify, deps, advance } = setup();
    queryClient.setQueryData<InfiniteData<Page<TradeDto>>>(queryKeys.tradeList(EMPTY_FILTERS), {
      pages: [{ items: [trade], nextCursor: null }],
      pageParams: [undefined],
    });
    applyCoachEvent(reflect('1'), deps);
    advance(500);
    applyCoachEvent(reflect('2', 't2'), deps);
    const rows = queryClient.getQueryData<InfiniteData<Page<TradeDto>>>(queryKeys.tradeList(EMPTY_FILTERS))!
      .pages[0]!.items;
    expect(rows[0]!.labels).toEqual([{ label: 'FOMO', confidence: 0.8 }]);
    expect(notify).toHaveBeenLastCalledWith(
      expect.objectContaining({
        key: 'coach.reflect',
        text: '2 new reflections. Latest: BTC-USD buy tagged FOMO.',
        href: '/trades/t2',
      }),
    );
    advance(60_000);
    applyCoachEvent(reflect('3'), deps);
    expect(notify).toHaveBeenLastCalledWith(
      expect.objectContaining({ text: 'New reflection: BTC-USD buy tagged FOMO.' }),
    );
  });

  it('keeps import progress, with its denominator, and announces the end', () => {
    const { queryClient, notify, deps } = setup();
    const progress = {
      id: '5',
      type: 'import.progress',
      ts: 'x',
      importId: 'i1',
      status: 'running',
      phase: 'scoring',
      fetched: 300,
      inserted: 300,
      duplicates: 0,
      scored: 10,
      toScore: 300,
    } as const;
    applyCoachEvent(progress, deps);
    applyCoachEvent({ ...progress, id: '6', scored: 20, toScore: null }, deps);
    expect(queryClient.getQueryData<ImportRunView>(queryKeys.importRun('i1'))).toMatchObject({
      scored: 20,
      toScore: 300,
    });
    expect(notify).not.toHaveBeenCalled();
    applyCoachEvent({ ...progress, id: '7', status: 'succeeded', phase: 'done', scored: 300 }, deps);
    expect(notify).toHaveBeenCalledWith(
      expect.objectContaining({ tone: 'success', text: 'Import finished: 300 new trades.' }),
    );
  });

  it('refreshes the digest when one is ready', () => {
    const { queryClient, notify, deps } = setup();
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    applyCoachEvent(
      { id: '9', type: 'digest.ready', ts: 'x', digestId: 'd1', periodStart: 'a', periodEnd: 'b' },
      deps,
    );
    expect(invalidate).toHaveBeenCalledWith({ queryKey: queryKeys.digests });
    expect(notify).toHaveBeenCalledWith(expect.objectContaining({ key: 'digest.ready', href: '/digest' }));
  });
});
