import type { TradeDto } from '@tt/shared';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import { Link } from 'wouter';
import { BiasChip } from '../../components/bias-chip';
import { Pnl } from '../../components/pnl';
import { formatDateTime, formatDecimal, formatHours } from '../../lib/format';

const ROW_HEIGHT = 44;
const COLUMNS = 9;

const TradeRow = memo(function TradeRow({
  trade,
  index,
  timeZone,
}: {
  trade: TradeDto;
  index: number;
  timeZone: string;
}) {
  const when = formatDateTime(trade.ts, timeZone);
  const side = trade.side === 'BUY' ? 'Buy' : 'Sell';
  return (
    <tr aria-rowindex={index + 2} style={{ height: ROW_HEIGHT }}>
      <td>
        <Link
          href={`/trades/${trade.id}`}
          aria-label={`${when}: ${trade.symbol} ${side.toLowerCase()}, open details`}
        >
          {when}
        </Link>
      </td>
      <td>{trade.symbol}</td>
      <td className={trade.side === 'BUY' ? 'side-buy' : 'side-sell'}>{side}</td>
      <td className="num">{formatDecimal(trade.qty)}</td>
      <td className="num">{formatDecimal(trade.price)}</td>
      <td className="num">{formatDecimal(trade.feeQuote, { maxDigits: 4 })}</td>
      <td className="num">
        <Pnl quote={trade.pnlQuote} pct={trade.pnlPct} />
      </td>
      <td className="num">{formatHours(trade.heldHours)}</td>
      <td className="chips">
        {trade.labels.length === 0 ? (
          <span className="muted">Not tagged yet</span>
        ) : (
          trade.labels.map((l) => <BiasChip key={l.label} label={l.label} />)
        )}
      </td>
    </tr>
  );
});

export interface TradesTableProps {
  trades: TradeDto[];
  timeZone: string;
  /** Whether more pages exist; the table asks for the next one as the trader nears the end. */
  hasMore: boolean;
  loadMore: () => void;
}

/**
 * A real `<table>` (rows and headers stay meaningful to screen readers) in which only the rows
 * in view are rendered; spacer rows keep the scroll height of every trade.
 */
export function TradesTable({ trades, timeZone, hasMore, loadMore }: TradesTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: trades.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    // Rows render in React's normal pass rather than synchronously inside each scroll event,
    // which keeps a fast flick from blocking frames (React 19 also warns about the flushSync).
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (hasMore && lastIndex >= trades.length - 50) loadMore();
  }, [hasMore, lastIndex, trades.length, loadMore]);

  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0);

  return (
    <div
      className="table-scroll"
      ref={scrollRef}
      tabIndex={0}
      role="region"
      aria-label="Trades, newest first (scrollable)"
      data-testid="trades-scroll"
    >
      <table className="trades-table" aria-rowcount={trades.length + 1}>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">Time</th>
            <th scope="col">Symbol</th>
            <th scope="col">Side</th>
            <th scope="col" className="num">
              Quantity
            </th>
            <th scope="col" className="num">
              Price
            </th>
            <th scope="col" className="num">
              Fee
            </th>
            <th scope="col" className="num">
              P&amp;L
            </th>
            <th scope="col" className="num">
              Held
            </th>
            <th scope="col">Tags</th>
          </tr>
        </thead>
        <tbody>
          {paddingTop > 0 ? (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={COLUMNS} style={{ height: paddingTop }} />
            </tr>
          ) : null}
          {items.map((item) => {
            const trade = trades[item.index]!;
            return <TradeRow key={trade.id} trade={trade} index={item.index} timeZone={timeZone} />;
          })}
          {paddingBottom > 0 ? (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={COLUMNS} style={{ height: paddingBottom }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
