import { useQuery } from '@tanstack/react-query';
import type { TradeDetailDto } from '@tt/shared';
import { useMemo } from 'react';
import { errorMessage } from '../../api/problem';
import { marketApi } from '../../api/trades.api';
import { TradeChart } from '../../charts/trade-chart';
import { Loading } from '../../components/states';
import { formatDateTime, formatDecimal } from '../../lib/format';
import { candleWindow, fillMarks, toChartCandles } from '../../lib/trade-chart-data';

/** The price around the trade with every entry and exit of its positions, plus the same as a table. */
export function TradeChartCard({ trade, timeZone }: { trade: TradeDetailDto; timeZone: string }) {
  const marks = useMemo(() => fillMarks(trade, trade.positions), [trade]);
  const window = useMemo(() => candleWindow(marks), [marks]);
  const candles = useQuery({
    queryKey: ['candles', trade.broker, trade.symbol, window.from, window.to],
    queryFn: () => marketApi.candles({ broker: trade.broker, symbol: trade.symbol, ...window }),
    staleTime: Infinity,
  });
  const chartCandles = useMemo(() => toChartCandles(candles.data?.items ?? []), [candles.data]);
  const entries = marks.filter((m) => m.kind === 'entry').length;
  const exits = marks.length - entries;
  const label = `${trade.symbol} hourly price with ${entries} ${entries === 1 ? 'entry' : 'entries'} and ${exits} ${exits === 1 ? 'exit' : 'exits'} marked; listed in the table below.`;

  return (
    <section className="card" aria-labelledby="chart-heading">
      <h2 id="chart-heading">Entries and exits</h2>
      {candles.isPending ? (
        <Loading label="Loading prices…" />
      ) : (
        <>
          {candles.isError ? (
            <p className="form-error">
              Prices could not be loaded ({errorMessage(candles.error)}); the chart joins your fill prices
              instead.
            </p>
          ) : chartCandles.length === 0 ? (
            <p className="muted">
              No stored prices for this period; the chart joins your fill prices instead.
            </p>
          ) : null}
          <TradeChart candles={chartCandles} marks={marks} timeZone={timeZone} label={label} />
          <p className="muted small">
            Green arrows are buys, red arrows are sells; the larger arrow is this trade. Chart by{' '}
            <a href="https://www.tradingview.com/lightweight-charts/" rel="noreferrer">
              TradingView Lightweight Charts
            </a>
            .
          </p>
        </>
      )}
      <table className="data-table">
        <caption className="sr-only">Fills of this trade’s positions</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Fill</th>
            <th scope="col" className="num">
              Quantity
            </th>
            <th scope="col" className="num">
              Price
            </th>
          </tr>
        </thead>
        <tbody>
          {marks.map((m) => (
            <tr key={`${m.kind}:${m.tradeId}`} className={m.isThisTrade ? 'this-trade' : undefined}>
              <td>{formatDateTime(new Date(m.time * 1000).toISOString(), timeZone)}</td>
              <td>
                {m.kind === 'entry' ? 'Entry (buy)' : 'Exit (sell)'}
                {m.isThisTrade ? <strong> · this trade</strong> : null}
              </td>
              <td className="num">{formatDecimal(m.qty)}</td>
              <td className="num">{formatDecimal(String(m.price))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
