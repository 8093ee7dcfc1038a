import { Draws, mix, uniform, weightedIndex } from '../core/hash';
import { HOUR_US, hourOfUs, hourStartUs } from '../core/time';
import type { VenueSpec, VenueSymbol } from '../market/market.assets';
import type { AssetSeries, HourCandle, Market } from '../market/market.series';
import type { TradePattern, TraderProfile } from './trader.accounts';
import type { TraderFill } from './trader.fill';

/** Everything an episode needs to know about the trader it belongs to. */
export interface TraderContext {
  market: Market;
  venue: VenueSpec;
  /** `venueSymbols(venue)`: spot symbols first. */
  symbols: readonly VenueSymbol[];
  profile: TraderProfile;
  /** Mixes seed, venue and account, so each (venue, account) trades its own story. */
  accountKey: number;
  /** Offsets φ of the stratified sequences, per (stream, draw): see `stratumPhases`. */
  phases: readonly number[];
}

/** Stream ids stay below this; each stream has one phase per stratified draw. */
const MAX_STREAMS = 8;

/** The random offsets of an account's stratified sequences, computed once per account. */
export function stratumPhases(accountKey: number): number[] {
  return Array.from({ length: MAX_STREAMS * STRIDES.length }, (_, n) =>
    uniform(accountKey, Math.floor(n / STRIDES.length), n % STRIDES.length, 0x737472),
  );
}

export interface OrderResult {
  qtyUnits: number;
  /** Volume-weighted price in ticks (a float: for the trader's decisions, never for the wire). */
  avgPriceTicks: number;
  /** Time of the order's last fill. */
  endUs: number;
}

/** Fill keys reserve 256 slots per episode: 128 for fills, 128 for the Coinbase correction entries. */
const FILLS_PER_EPISODE = 256;
export const CORRECTION_KEY_OFFSET = 128;
const PRECISIONS = [0, 3, 6] as const;
/** Coinbase prints 0, 3 or 6 fraction digits; Binance times are milliseconds. */
const PRECISION_WEIGHTS = { coinbase: [25, 35, 40], binance: [0, 1, 0] } as const;
const PART_WEIGHTS = [50, 35, 15];
/** An order starts this far inside its hour, so that all its partial fills share the hour's candle. */
const START_MARGIN_US = 5_000_000;
const END_MARGIN_US = 300_000_000;
/** Orders moved to the next tradable hour spread over its first ten minutes. */
const MOVED_ORDER_SPREAD_US = 600_000_000;
const MAX_PART_GAP_SECONDS = 40;
/**
 * Strides of the Kronecker sequences behind `stratified()`: fractional parts of square roots of
 * primes, whose bounded continued fractions spread consecutive points evenly.
 */
const STRIDES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37].map((p) => Math.sqrt(p) % 1);
/** Episode keys are stream × 2^40 + the episode's index within its stream. */
export const EPISODE_STREAM_FACTOR = 2 ** 40;

/**
 * Writes one episode's orders as fills: partial fills, prices inside the hour's candle, exact
 * quantities on the symbol's step. Its draws depend only on the episode's key.
 */
export class EpisodeWriter {
  readonly draws: Draws;
  private count = 0;
  private strata = 0;
  /** The episode's index within its stream (slot number, week, day): consecutive for consecutive episodes. */
  private readonly sequence: number;

  constructor(
    readonly ctx: TraderContext,
    private readonly episodeKey: number,
    /** Tag for the fills written next; an episode may change it when it falls back to another pattern. */
    public pattern: TradePattern,
    private readonly out: TraderFill[],
  ) {
    this.draws = new Draws(mix(ctx.accountKey, episodeKey, Math.floor(episodeKey / 0x100000000)));
    this.sequence = episodeKey % EPISODE_STREAM_FACTOR;
  }

  /**
   * A uniform draw that is evenly spread across consecutive episodes of a stream: the i-th
   * stratified draw of episode k is frac(k·αᵢ + φᵢ). Decisions that set how many fills an episode
   * writes use it, so any 30 days hold close to the account's advertised number of fills.
   */
  stratified(): number {
    const i = this.strata++;
    const stride = STRIDES[i];
    if (stride === undefined) return this.draws.next();
    const stream = Math.floor(this.episodeKey / EPISODE_STREAM_FACTOR);
    return (this.sequence * stride + this.ctx.phases[stream * STRIDES.length + i]!) % 1;
  }

  /** An index chosen with the given relative weights, from a stratified draw. */
  stratifiedChoice(weights: readonly number[]): number {
    return weightedIndex(this.stratified(), weights);
  }

  series(symbol: number): AssetSeries {
    return this.ctx.market.asset(this.symbolSpec(symbol).asset);
  }

  /** A spot symbol, chosen by the venue's weights. */
  pickSymbol(): number {
    return this.draws.weighted(this.ctx.venue.symbols.map((s) => s.weight));
  }

  /** An order size in quote currency: log-uniform over the profile's range, times `factor`. */
  notional(factor = 1): number {
    const [low, high] = this.ctx.profile.notionalUsd;
    return Math.exp(this.draws.between(Math.log(low), Math.log(high))) * factor;
  }

  /** The candle of a tradable hour (never a gap hour). */
  candleAt(symbol: number, us: number): HourCandle {
    const candle = this.series(symbol).candle(hourOfUs(us));
    if (!candle) throw new Error(`no candle for ${this.symbolSpec(symbol).symbol} at ${us}`);
    return candle;
  }

  /**
   * The first time at or after `us` when the symbol can be traded with room for partial fills:
   * never in a gap hour, never in the last minutes of an hour. Never earlier than `us`; a time that
   * has to move lands a few random minutes into the next tradable hour, so moved orders do not pile up.
   */
  tradableUs(symbol: number, us: number): number {
    const series = this.series(symbol);
    let hour = hourOfUs(us);
    let offset = us - hourStartUs(hour);
    if (offset < START_MARGIN_US) offset = START_MARGIN_US + this.moveJitterUs();
    if (offset > HOUR_US - END_MARGIN_US) {
      hour++;
      offset = START_MARGIN_US + this.moveJitterUs();
    }
    while (series.isGap(hour)) {
      hour++;
      offset = START_MARGIN_US + this.moveJitterUs();
    }
    return hourStartUs(hour) + offset;
  }

  private moveJitterUs(): number {
    return Math.round(this.draws.between(0, MOVED_ORDER_SPREAD_US));
  }

  /** A random time within `hour` that can be traded. */
  timeInHour(symbol: number, hour: number, fromMinute = 0, toMinute = 55): number {
    return this.tradableUs(
      symbol,
      hourStartUs(hour) + Math.round(this.draws.between(fromMinute, toMinute) * 60e6),
    );
  }

  buy(symbol: number, us: number, notionalUsd: number, bias: number, maxParts = 3): OrderResult {
    const start = this.tradableUs(symbol, us);
    const candle = this.candleAt(symbol, start);
    const step = this.symbolSpec(symbol).qtyStepUnits;
    const referencePrice = (candle.open + candle.close) / 2 / 100;
    const steps = Math.max(1, Math.floor(((notionalUsd / referencePrice) * 1e8) / step));
    return this.order(symbol, 'BUY', start, steps * step, bias, maxParts);
  }

  /**
   * Fills `qtyUnits` in one to three parts a few seconds apart. `bias` in [-1, 1] leans the price
   * towards the candle's low or high; `priceHint` (ticks) aims at a level such as a stop.
   */
  order(
    symbol: number,
    side: 'BUY' | 'SELL',
    us: number,
    qtyUnits: number,
    bias: number,
    maxParts = 3,
    priceHint?: number,
  ): OrderResult {
    const { draws } = this;
    const start = this.tradableUs(symbol, us);
    const step = this.symbolSpec(symbol).qtyStepUnits;
    const steps = Math.round(qtyUnits / step);
    const parts = Math.min(this.stratifiedChoice(PART_WEIGHTS) + 1, maxParts, steps);
    const shares = splitSteps(steps, parts, draws);
    const maker = draws.chance(0.35);
    const orderKey = this.nextKey();
    const precisionWeights = PRECISION_WEIGHTS[this.ctx.venue.id];
    let time = start;
    let previous = 0;
    let quote = 0;
    for (let i = 0; i < parts; i++) {
      if (i > 0) time += Math.round(draws.between(0.05, MAX_PART_GAP_SECONDS) * 1e6);
      const precision = PRECISIONS[draws.weighted(precisionWeights)]!;
      const unit = 10 ** (6 - precision);
      const timeUs = Math.max(previous, Math.floor(time / unit) * unit);
      previous = timeUs;
      const priceTicks = this.priceAt(symbol, timeUs, bias, priceHint);
      const units = shares[i]! * step;
      quote += priceTicks * units;
      this.out.push({
        key: i === 0 ? orderKey : this.nextKey(),
        orderKey,
        symbol,
        side,
        timeUs,
        precision,
        priceTicks,
        qtyUnits: units,
        maker,
        pattern: this.pattern,
        tradeType: 'FILL',
      });
    }
    return { qtyUnits: steps * step, avgPriceTicks: quote / (steps * step), endUs: previous };
  }

  private priceAt(symbol: number, timeUs: number, bias: number, priceHint: number | undefined): number {
    const candle = this.candleAt(symbol, timeUs);
    const progress = (timeUs - hourStartUs(candle.hour)) / HOUR_US;
    const range = candle.high - candle.low;
    const mid = candle.open + (candle.close - candle.open) * progress;
    const target = (priceHint ?? mid + bias * range * 0.35) + (this.draws.next() - 0.5) * range * 0.12;
    return Math.round(Math.min(candle.high, Math.max(candle.low, target)));
  }

  private nextKey(): number {
    if (this.count >= CORRECTION_KEY_OFFSET) {
      throw new Error(`episode ${this.episodeKey} writes more than ${CORRECTION_KEY_OFFSET} fills`);
    }
    return this.episodeKey * FILLS_PER_EPISODE + this.count++;
  }

  private symbolSpec(symbol: number): VenueSymbol {
    const spec = this.ctx.symbols[symbol];
    if (!spec) throw new Error(`unknown symbol index ${symbol}`);
    return spec;
  }
}

/** Splits `steps` into `parts` shares of at least one step each, in random proportions. */
function splitSteps(steps: number, parts: number, draws: Draws): number[] {
  if (parts === 1) return [steps];
  const shares = new Array<number>(parts);
  let total = 0;
  for (let i = 0; i < parts; i++) {
    shares[i] = 0.3 + draws.next();
    total += shares[i]!;
  }
  const spare = steps - parts;
  let used = 0;
  for (let i = 0; i < parts - 1; i++) {
    shares[i] = 1 + Math.floor((spare * shares[i]!) / total);
    used += shares[i]!;
  }
  shares[parts - 1] = steps - used;
  return shares;
}
