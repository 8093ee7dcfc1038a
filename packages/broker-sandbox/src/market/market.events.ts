import { uniform } from '../core/hash';

/**
 * The market's weather: week regimes (quiet, normal, stormy), scheduled spikes and crashes, and the
 * rare hour without trades. Each is a pure function of (asset key, hour), so any part of the
 * timeline can be recomputed without walking it.
 */

const CHANNEL_WEEK = 11;
const CHANNEL_EVENT = 12;
const CHANNEL_GAP = 13;

const WEEK_HOURS = 168;
/** One spike or crash may happen in each block of this many hours. */
export const EVENT_BLOCK_HOURS = 96;
/** Exactly one hour without trades (a candle the exchanges omit) in each block of this many hours. */
export const GAP_BLOCK_HOURS = 240;

export type WeekRegime = 'quiet' | 'normal' | 'stormy';

export function weekRegime(assetKey: number, hour: number): WeekRegime {
  const roll = uniform(assetKey, CHANNEL_WEEK, Math.floor(hour / WEEK_HOURS));
  if (roll < 0.18) return 'quiet';
  if (roll > 0.86) return 'stormy';
  return 'normal';
}

export const REGIME_VOLATILITY: Readonly<Record<WeekRegime, number>> = { quiet: 0.4, normal: 1, stormy: 1.5 };

export interface MarketEvent {
  kind: 'spike' | 'crash';
  startHour: number;
  /** Hours over which the move happens. */
  hours: number;
  /** Size of the move as a log return (0.11 is about 11.6 %). */
  magnitude: number;
  /** Hours over which part of the move is given back afterwards. */
  settleHours: number;
  /** Share of the move given back. */
  settleFraction: number;
}

export function eventOfBlock(assetKey: number, block: number): MarketEvent | undefined {
  const draw = (n: number) => uniform(assetKey, CHANNEL_EVENT, block, n);
  if (draw(0) >= 0.7) return undefined;
  const startHour = block * EVENT_BLOCK_HOURS + 8 + Math.floor(draw(1) * 60);
  if (weekRegime(assetKey, startHour) === 'quiet') return undefined;
  // Spikes and crashes take turns, so that no stretch of weeks has only one kind.
  const kind = (block + (assetKey & 1)) % 2 === 0 ? 'spike' : 'crash';
  return {
    kind,
    startHour,
    hours: kind === 'spike' ? 5 + Math.floor(draw(3) * 6) : 3 + Math.floor(draw(3) * 6),
    magnitude: 0.12 + 0.1 * draw(4),
    settleHours: 24 + Math.floor(draw(5) * 25),
    settleFraction: kind === 'spike' ? 0.3 + 0.4 * draw(6) : 0.2 + 0.4 * draw(6),
  };
}

/**
 * The drift the scheduled events add to the hour's log return, and whether a move is under way.
 * `eventOf` is `eventOfBlock` for the asset, usually memoised by the caller.
 */
export function eventDrift(
  hour: number,
  eventOf: (block: number) => MarketEvent | undefined,
): { drift: number; moving: boolean } {
  let drift = 0;
  let moving = false;
  const block = Math.floor(hour / EVENT_BLOCK_HOURS);
  // An event and its settling last at most 8 + 60 + 10 + 48 hours, less than two blocks.
  for (let b = block - 2; b <= block; b++) {
    const event = eventOf(b);
    if (!event) continue;
    const sign = event.kind === 'spike' ? 1 : -1;
    const end = event.startHour + event.hours;
    if (hour >= event.startHour && hour < end) {
      drift += (sign * event.magnitude) / event.hours;
      moving = true;
    } else if (hour >= end && hour < end + event.settleHours) {
      drift -= (sign * event.magnitude * event.settleFraction) / event.settleHours;
    }
  }
  return { drift, moving };
}

export function gapHourOfBlock(assetKey: number, block: number): number {
  return block * GAP_BLOCK_HOURS + 10 + Math.floor(uniform(assetKey, CHANNEL_GAP, block) * 220);
}
