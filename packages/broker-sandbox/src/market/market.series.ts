import { mix, normal, uniform } from '../core/hash';
import { ANCHOR_HOUR, hourOfMs } from '../core/time';
import type { AssetId, AssetSpec } from './market.assets';
import { ASSETS } from './market.assets';
import type { MarketEvent, WeekRegime } from './market.events';
import {
  EVENT_BLOCK_HOURS,
  GAP_BLOCK_HOURS,
  REGIME_VOLATILITY,
  eventDrift,
  eventOfBlock,
  gapHourOfBlock,
  weekRegime,
} from './market.events';
import { bollingerPosition, drawdown, pctChange, wilderRsi } from './market.indicators';

const CHANNEL_RETURN = 21;
const CHANNEL_WICK_HIGH = 22;
const CHANNEL_WICK_LOW = 23;
const CHANNEL_VOLUME = 24;
/** Pull of the log price towards the asset's base level, per hour (half-life about ten days). */
const MEAN_REVERSION = 0.003;
/** Extend a little beyond what is asked so the series is not rebuilt every hour. */
const EXTEND_BY_HOURS = 24 * 7;

/** One hourly candle: prices in integer ticks of 0.01, volume in units of 1e-8 of the base asset. */
export interface HourCandle {
  hour: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface HourFeatures {
  pct24h: number;
  rsi14: number;
  bbPosition: number;
  drawdown72: number;
}

/**
 * One asset's hourly price path from `ANCHOR_HOUR` onwards: a mean-reverting random walk with week
 * regimes, scheduled spikes and crashes, and gap hours. Computed forwards once and extended on
 * demand; hour `h` depends only on the seed and the hours before it.
 */
export class AssetSeries {
  readonly key: number;
  private length = 0;
  private logPrice: number;
  private open: Float64Array = new Float64Array(0);
  private high: Float64Array = new Float64Array(0);
  private low: Float64Array = new Float64Array(0);
  private close: Float64Array = new Float64Array(0);
  private volume: Float64Array = new Float64Array(0);
  private gap: Uint8Array = new Uint8Array(0);
  private rsi: Float64Array = new Float64Array(0);
  private bb: Float64Array = new Float64Array(0);
  private pct24: Float64Array = new Float64Array(0);
  private dd72: Float64Array = new Float64Array(0);
  private readonly eventMemo = new Map<number, MarketEvent | undefined>();
  private readonly regimeMemo = new Map<number, WeekRegime>();
  private readonly gapMemo = new Map<number, number>();

  constructor(
    readonly spec: AssetSpec,
    seed: number,
  ) {
    this.key = mix(seed, spec.index, 0x6d6b74);
    this.logPrice = Math.log(spec.basePrice);
  }

  /** Makes sure every hour up to `hour` is computed. */
  ensure(hour: number): void {
    const needed = hour - ANCHOR_HOUR + 1;
    if (needed <= this.length) return;
    this.grow(needed + EXTEND_BY_HOURS);
  }

  isGap(hour: number): boolean {
    this.ensure(hour);
    const i = hour - ANCHOR_HOUR;
    return i < 0 || this.gap[i] === 1;
  }

  /**
   * The hours of [oldest, newest] with a candle that has closed by `nowMs` (the candle of hour h
   * closes when hour h + 1 starts), ascending: at most `limit` of them, the newest ones unless
   * `keep` is `oldest`. Every candle endpoint answers from this, each in its own format.
   */
  closedHours(range: {
    oldest: number;
    newest: number;
    nowMs: number;
    limit: number;
    keep: 'newest' | 'oldest';
  }): number[] {
    const oldest = Math.max(ANCHOR_HOUR, range.oldest);
    const newest = Math.min(hourOfMs(range.nowMs) - 1, range.newest);
    const hours: number[] = [];
    if (range.keep === 'oldest') {
      for (let hour = oldest; hour <= newest && hours.length < range.limit; hour++)
        if (!this.isGap(hour)) hours.push(hour);
      return hours;
    }
    for (let hour = newest; hour >= oldest && hours.length < range.limit; hour--)
      if (!this.isGap(hour)) hours.push(hour);
    return hours.reverse();
  }

  /** The hour's candle, or undefined for a gap hour or an hour before the market existed. */
  candle(hour: number): HourCandle | undefined {
    if (this.isGap(hour)) return undefined;
    const i = hour - ANCHOR_HOUR;
    return {
      hour,
      open: this.open[i]!,
      high: this.high[i]!,
      low: this.low[i]!,
      close: this.close[i]!,
      volume: this.volume[i]!,
    };
  }

  /** The close in ticks, also for a gap hour (where it equals the previous close). */
  closeAt(hour: number): number {
    this.ensure(hour);
    return this.close[Math.max(0, hour - ANCHOR_HOUR)]!;
  }

  /** Indicators of the candle of `hour`, as seen once that candle has closed. */
  features(hour: number): HourFeatures {
    this.ensure(hour);
    const i = hour - ANCHOR_HOUR;
    if (i < 0)
      return { pct24h: Number.NaN, rsi14: Number.NaN, bbPosition: Number.NaN, drawdown72: Number.NaN };
    return {
      pct24h: this.pct24[i]!,
      rsi14: this.rsi[i]!,
      bbPosition: this.bb[i]!,
      drawdown72: this.dd72[i]!,
    };
  }

  /** The spike or crash scheduled in an event block, if any. */
  eventOf(block: number): MarketEvent | undefined {
    if (!this.eventMemo.has(block)) this.eventMemo.set(block, eventOfBlock(this.key, block));
    return this.eventMemo.get(block);
  }

  /** Spikes and crashes that start in [fromHour, toHour]. */
  eventsBetween(fromHour: number, toHour: number): MarketEvent[] {
    const events: MarketEvent[] = [];
    const last = Math.floor(toHour / EVENT_BLOCK_HOURS);
    for (let block = Math.floor(fromHour / EVENT_BLOCK_HOURS); block <= last; block++) {
      const event = this.eventOf(block);
      if (event && event.startHour >= fromHour && event.startHour <= toHour) events.push(event);
    }
    return events;
  }

  private regimeOf(hour: number): WeekRegime {
    const week = Math.floor(hour / 168);
    let regime = this.regimeMemo.get(week);
    if (regime === undefined) {
      regime = weekRegime(this.key, hour);
      this.regimeMemo.set(week, regime);
    }
    return regime;
  }

  private gapOf(hour: number): boolean {
    const block = Math.floor(hour / GAP_BLOCK_HOURS);
    let gapHour = this.gapMemo.get(block);
    if (gapHour === undefined) {
      gapHour = gapHourOfBlock(this.key, block);
      this.gapMemo.set(block, gapHour);
    }
    return gapHour === hour;
  }

  private grow(hours: number): void {
    const from = this.length;
    this.open = resized(this.open, hours);
    this.high = resized(this.high, hours);
    this.low = resized(this.low, hours);
    this.close = resized(this.close, hours);
    this.volume = resized(this.volume, hours);
    const gap = new Uint8Array(hours);
    gap.set(this.gap);
    this.gap = gap;
    const { spec, key } = this;
    const logBase = Math.log(spec.basePrice);
    for (let i = from; i < hours; i++) {
      const hour = ANCHOR_HOUR + i;
      const open = i === 0 ? Math.round(spec.basePrice * 100) : this.close[i - 1]!;
      this.open[i] = open;
      if (this.gapOf(hour)) {
        // No trades: the price stands still and the exchanges publish no candle.
        this.high[i] = open;
        this.low[i] = open;
        this.close[i] = open;
        this.volume[i] = 0;
        this.gap[i] = 1;
        continue;
      }
      const regime = this.regimeOf(hour);
      const sigma = spec.hourlyVolatility * REGIME_VOLATILITY[regime];
      const event = eventDrift(hour, (block) => this.eventOf(block));
      const ret =
        event.drift - MEAN_REVERSION * (this.logPrice - logBase) + sigma * normal(key, CHANNEL_RETURN, hour);
      this.logPrice += ret;
      const close = Math.max(1, Math.round(Math.exp(this.logPrice) * 100));
      const wick = sigma * (event.moving ? 0.9 : 0.5);
      const top = Math.max(open, close);
      const bottom = Math.min(open, close);
      this.close[i] = close;
      this.high[i] = Math.max(
        top,
        Math.round(top * Math.exp(Math.abs(normal(key, CHANNEL_WICK_HIGH, hour)) * wick)),
      );
      this.low[i] = Math.min(
        bottom,
        Math.round(bottom * Math.exp(-Math.abs(normal(key, CHANNEL_WICK_LOW, hour)) * wick)),
      );
      const activity =
        (0.55 + 0.9 * uniform(key, CHANNEL_VOLUME, hour)) *
        (1 + (2.5 * Math.abs(ret)) / spec.hourlyVolatility);
      this.volume[i] = Math.round(spec.hourlyVolume * REGIME_VOLATILITY[regime] ** 0.5 * activity * 1e8);
    }
    this.length = hours;
    this.rsi = wilderRsi(this.close);
    this.bb = bollingerPosition(this.close);
    this.pct24 = pctChange(this.close, 24);
    this.dd72 = drawdown(this.high, this.close);
  }
}

function resized(array: Float64Array, length: number): Float64Array {
  const out = new Float64Array(length);
  out.set(array);
  return out;
}

/** The whole sandbox market for one seed: one lazily built series per asset. */
export class Market {
  private readonly series = new Map<AssetId, AssetSeries>();

  constructor(readonly seed: number) {}

  asset(id: AssetId): AssetSeries {
    let series = this.series.get(id);
    if (!series) {
      series = new AssetSeries(ASSETS[id], this.seed);
      this.series.set(id, series);
    }
    return series;
  }
}
