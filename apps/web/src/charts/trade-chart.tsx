import type { UTCTimestamp as Time } from 'lightweight-charts';
import { useEffect, useRef, useState } from 'react';
import type { ChartCandle, FillMark } from '../lib/trade-chart-data';
import { snapToBar } from '../lib/trade-chart-data';
import { formatDateTime, formatDecimal } from '../lib/format';

export interface TradeChartProps {
  /** Hourly candles around the trade; empty when none are stored (the fills are then drawn as a line). */
  candles: ChartCandle[];
  marks: FillMark[];
  timeZone: string;
  label: string;
}

const ENTRY = '#15803d';
const EXIT = '#b91c1c';

/** Candlesticks with every entry and exit marked; lightweight-charts loads only when a chart is shown. */
export function TradeChart({ candles, marks, timeZone, label }: TradeChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let disposed = false;
    let remove: (() => void) | undefined;
    void import('lightweight-charts')
      .then(({ createChart, CandlestickSeries, LineSeries, createSeriesMarkers }) => {
        if (disposed || !container.current) return;
        const chart = createChart(container.current, {
          autoSize: true,
          layout: { background: { color: '#ffffff' }, textColor: '#262626', attributionLogo: false },
          grid: { vertLines: { color: '#eeeeee' }, horzLines: { color: '#eeeeee' } },
          timeScale: { timeVisible: true, secondsVisible: false },
          localization: {
            timeFormatter: (t: number) => formatDateTime(new Date(t * 1000).toISOString(), timeZone),
          },
        });
        remove = () => chart.remove();
        let barTimes: number[];
        let series;
        if (candles.length > 0) {
          series = chart.addSeries(CandlestickSeries, {
            upColor: '#15803d',
            downColor: '#b91c1c',
            borderVisible: false,
            wickUpColor: '#15803d',
            wickDownColor: '#b91c1c',
          });
          series.setData(candles.map((c) => ({ ...c, time: c.time as Time })));
          barTimes = candles.map((c) => c.time);
        } else {
          series = chart.addSeries(LineSeries, { color: '#1d4ed8', lineWidth: 2 });
          const points = new Map(marks.map((m) => [m.time, m.price]));
          barTimes = [...points.keys()].sort((a, b) => a - b);
          series.setData(barTimes.map((t) => ({ time: t as Time, value: points.get(t)! })));
        }
        createSeriesMarkers(
          series,
          marks
            .map((m) => ({
              time: snapToBar(barTimes, m.time) as Time,
              position: m.kind === 'entry' ? ('atPriceBottom' as const) : ('atPriceTop' as const),
              price: m.price,
              shape: m.kind === 'entry' ? ('arrowUp' as const) : ('arrowDown' as const),
              color: m.kind === 'entry' ? ENTRY : EXIT,
              size: m.isThisTrade ? 2 : 1,
              text: `${m.isThisTrade ? 'This ' : ''}${m.kind === 'entry' ? 'buy' : 'sell'} ${formatDecimal(m.qty)}`,
            }))
            .sort((a, b) => a.time - b.time),
        );
        chart.timeScale().fitContent();
      })
      .catch((error: unknown) => {
        if (!disposed) setFailed(error instanceof Error ? error.message : 'The chart could not load.');
      });
    return () => {
      disposed = true;
      remove?.();
    };
  }, [candles, marks, timeZone]);

  if (failed) return <p className="form-error">The chart could not load: {failed}</p>;
  return <div ref={container} className="trade-chart" role="img" aria-label={label} />;
}
