import type {
  IndicatorBatchRequest,
  IndicatorBatchResponse,
  IndicatorBatchResult,
  IndicatorFeatures,
  IndicatorRequest,
} from '@tt/shared';
import {
  asOfIndexSeries,
  atrWilderSeries,
  bollingerPositionSeries,
  rollingMaxSeries,
  rsiWilderSeries,
  smaSeries,
} from './indicators.kernels';
import { HOUR_MS, lastClosedIndex, toCandleSeries, type CandleSeries } from './indicators.series';

/*
 * Market-context features at a trade (DESIGN.md §6). Only candles closed at or before the entry
 * count; p0 is the close of the last of them. Window indicators (RSI, ATR, Bollinger, SMA,
 * drawdown) count candles, as TA-Lib does over the array it is given. The 1 h and 24 h changes
 * are defined in time: the reference close is the last candle closed at or before p0's close time
 * minus 1 h (24 h), so an hour without trades (exchanges omit empty candles) falls back to the
 * previous close, the price that was current then. Wilder averages run from the first candle
 * given, so the whole series is computed once and every entry reads its index.
 */

export const INDICATOR_PERIODS = {
  rsi: 14,
  atr: 14,
  bollinger: 20,
  bollingerWidth: 2,
  sma: 50,
  drawdown: 72,
} as const;

/** Every indicator precomputed over one symbol's series; entries are answered by index. */
export interface IndicatorTable {
  readonly series: CandleSeries;
  readonly rsi: Float64Array;
  readonly atr: Float64Array;
  readonly bollingerPosition: Float64Array;
  readonly sma: Float64Array;
  readonly maxHigh: Float64Array;
  readonly hourAgo: Int32Array;
  readonly dayAgo: Int32Array;
}

export function buildIndicatorTable(series: CandleSeries): IndicatorTable {
  const { ts, high, low, close } = series;
  return {
    series,
    rsi: rsiWilderSeries(close, INDICATOR_PERIODS.rsi),
    atr: atrWilderSeries(high, low, close, INDICATOR_PERIODS.atr),
    bollingerPosition: bollingerPositionSeries(
      close,
      INDICATOR_PERIODS.bollinger,
      INDICATOR_PERIODS.bollingerWidth,
    ),
    sma: smaSeries(close, INDICATOR_PERIODS.sma),
    maxHigh: rollingMaxSeries(high, INDICATOR_PERIODS.drawdown),
    hourAgo: asOfIndexSeries(ts, HOUR_MS),
    dayAgo: asOfIndexSeries(ts, 24 * HOUR_MS),
  };
}

const NO_FEATURES: IndicatorFeatures = Object.freeze({
  RSI_14: null,
  ATR_rel: null,
  BB_pos: null,
  gap_from_MA: null,
  pct_change_1h_before: null,
  pct_change_24h_before: null,
  drawdown_recent: null,
});

const orNull = (value: number): number | null => (Number.isNaN(value) ? null : value);

/** Features of a trade at `entryMs` (unix ms) read from a precomputed table. */
export function featuresAt(table: IndicatorTable, entryMs: number): IndicatorFeatures {
  const { close } = table.series;
  const i = lastClosedIndex(table.series.ts, entryMs);
  if (i < 0) return { ...NO_FEATURES };
  const p0 = close[i]!;
  const hourAgo = table.hourAgo[i]!;
  const dayAgo = table.dayAgo[i]!;
  return {
    RSI_14: orNull(table.rsi[i]!),
    ATR_rel: orNull(table.atr[i]! / p0),
    BB_pos: orNull(table.bollingerPosition[i]!),
    gap_from_MA: orNull(p0 / table.sma[i]! - 1),
    pct_change_1h_before: hourAgo < 0 ? null : p0 / close[hourAgo]! - 1,
    pct_change_24h_before: dayAgo < 0 ? null : p0 / close[dayAgo]! - 1,
    drawdown_recent: orNull(1 - p0 / table.maxHigh[i]!),
  };
}

/** `POST /v1/indicators`: the features of one entry over one candle series. */
export function computeIndicators(request: IndicatorRequest): IndicatorFeatures {
  return featuresAt(buildIndicatorTable(toCandleSeries(request.ohlcv)), Date.parse(request.entryTs));
}

/** `POST /v1/indicators/batch`: each series is sorted and computed once, each entry is a lookup. */
export function computeIndicatorsBatch(request: IndicatorBatchRequest): IndicatorBatchResponse {
  const tables = new Map<string, IndicatorTable>();
  const results: IndicatorBatchResult[] = request.entries.map((entry) => {
    let table = tables.get(entry.symbol);
    if (!table) {
      table = buildIndicatorTable(toCandleSeries(request.series[entry.symbol] ?? []));
      tables.set(entry.symbol, table);
    }
    return { id: entry.id, ...featuresAt(table, Date.parse(entry.entryTs)) };
  });
  return { results };
}
