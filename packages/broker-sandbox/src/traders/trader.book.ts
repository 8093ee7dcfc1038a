import { mix, uniform } from '../core/hash';
import { upperBound } from '../core/search';
import { ANCHOR_HOUR, HISTORY_MS, HOUR_US, hourOfMs, hourOfUs, hourStartUs } from '../core/time';
import type { MarketEvent } from '../market/market.events';
import type { VenueSpec } from '../market/market.assets';
import { venueSymbols } from '../market/market.assets';
import type { Market } from '../market/market.series';
import type { SandboxAccount, SlotPattern } from './trader.accounts';
import { SLOT_PATTERNS, TRADER_PROFILES } from './trader.accounts';
import {
  chaseSpike,
  disciplinedTrade,
  earlyExitTrade,
  findSpikeSignal,
  lateExitTrade,
  overtradeDay,
  panicInCrash,
  plainTrade,
  revengeTrade,
} from './trader.episodes';
import type { TraderFill } from './trader.fill';
import type { TraderContext } from './trader.writer';
import { CORRECTION_KEY_OFFSET, EPISODE_STREAM_FACTOR, EpisodeWriter, stratumPhases } from './trader.writer';

/** Episode streams: every episode's key is stream × 2^40 + its index, so all fill keys differ. */
const STREAM_SLOT = 1;
const STREAM_CHASE = 2;
const STREAM_PANIC = 3;
const STREAM_OVERTRADE = 4;
const STREAM_PERPETUAL = 5;
const CHANNEL_CORRECTION = 6;
const WEEK_HOURS = 168;
/** No episode lasts longer: entry search (24 h) + the longest hold (90 h) + exits. */
const MAX_EPISODE_HOURS = 160;
/** The Coinbase trader touches a perpetual once every this many ordinary episodes. */
const PERPETUAL_EVERY_SLOTS = 25;
/** Share of Coinbase fills followed by a REVERSAL or CORRECTION entry. */
const CORRECTION_CHANCE = 0.012;

/** Every fill of the (venue, account) trader with a time in [fromUs, toUs), sorted by time then key. */
function generateFills(ctx: TraderContext, fromUs: number, toUs: number): TraderFill[] {
  const out: TraderFill[] = [];
  const fromHour = hourOfUs(fromUs) - MAX_EPISODE_HOURS;
  const toHour = hourOfUs(toUs);
  writeSlots(ctx, out, fromHour, toHour);
  writeMarketEvents(ctx, out, fromHour, toHour);
  writeOvertradeDays(ctx, out, fromHour, toHour);
  if (ctx.venue.extraSymbols.length > 0) {
    writePerpetuals(ctx, out, fromHour, toHour);
    writeCorrections(ctx, out);
  }
  return out
    .filter((fill) => fill.timeUs >= fromUs && fill.timeUs < toUs)
    .sort((a, b) => a.timeUs - b.timeUs || a.key - b.key);
}

function slotRange(fromHour: number, toHour: number, slotUs: number): [number, number] {
  const anchorUs = hourStartUs(ANCHOR_HOUR);
  return [
    Math.max(0, Math.floor((hourStartUs(fromHour) - anchorUs) / slotUs)),
    Math.floor((hourStartUs(toHour + 1) - anchorUs) / slotUs),
  ];
}

function writeSlots(ctx: TraderContext, out: TraderFill[], fromHour: number, toHour: number): void {
  const slotUs = ctx.profile.slotSeconds * 1e6;
  const weights = SLOT_PATTERNS.map((pattern) => ctx.profile.patternWeights[pattern]);
  const [first, last] = slotRange(fromHour, toHour, slotUs);
  for (let slot = first; slot <= last; slot++) {
    const w = new EpisodeWriter(ctx, STREAM_SLOT * EPISODE_STREAM_FACTOR + slot, 'plain', out);
    const startUs = hourStartUs(ANCHOR_HOUR) + slot * slotUs + Math.floor(w.draws.next() * slotUs);
    const pattern = SLOT_PATTERNS[w.stratifiedChoice(weights)]!;
    w.pattern = pattern;
    writeSlotPattern(w, pattern, startUs);
  }
}

function writeSlotPattern(w: EpisodeWriter, pattern: SlotPattern, startUs: number): void {
  switch (pattern) {
    case 'disciplined':
      return disciplinedTrade(w, startUs);
    case 'early-exit':
      return earlyExitTrade(w, startUs);
    case 'late-exit':
      return lateExitTrade(w, startUs);
    case 'revenge':
      return revengeTrade(w, startUs);
    case 'chase':
      return chaseIfSpiking(w, startUs);
    case 'panic':
      return panicIfCrashing(w, startUs);
    case 'plain':
      return plainTrade(w, startUs);
  }
}

/** Chases a spike showing around the slot on any symbol; an ordinary trade if nothing is spiking. */
function chaseIfSpiking(w: EpisodeWriter, startUs: number): void {
  const hour = hourOfUs(startUs);
  const spot = w.ctx.venue.symbols.length;
  const offset = w.draws.int(0, spot - 1);
  for (let i = 0; i < spot; i++) {
    const symbol = (offset + i) % spot;
    const signal = findSpikeSignal(w.series(symbol), hour - 1, hour + 6);
    if (signal !== undefined) return chaseSpike(w, symbol, signal);
  }
  w.pattern = 'plain';
  plainTrade(w, startUs);
}

/** Walks into a crash that starts a few hours after the slot; an ordinary trade if none is coming. */
function panicIfCrashing(w: EpisodeWriter, startUs: number): void {
  const hour = hourOfUs(startUs);
  const spot = w.ctx.venue.symbols.length;
  for (let symbol = 0; symbol < spot; symbol++) {
    const crash = w
      .series(symbol)
      .eventsBetween(hour + 3, hour + 20)
      .find((event) => event.kind === 'crash');
    if (crash) return panicInCrash(w, symbol, crash);
  }
  w.pattern = 'plain';
  plainTrade(w, startUs);
}

/**
 * Each week the trader chases some of the market's spikes and panics in some of its crashes,
 * whatever the slots do, so that every account shows both biases in any 30 days.
 */
function writeMarketEvents(ctx: TraderContext, out: TraderFill[], fromHour: number, toHour: number): void {
  const anchorWeek = Math.floor(ANCHOR_HOUR / WEEK_HOURS);
  const firstWeek = Math.max(anchorWeek, Math.floor(fromHour / WEEK_HOURS));
  for (let week = firstWeek; week <= Math.floor((toHour + 24) / WEEK_HOURS); week++) {
    const spikes: [number, MarketEvent][] = [];
    const crashes: [number, MarketEvent][] = [];
    ctx.venue.symbols.forEach((spec, symbol) => {
      for (const event of ctx.market
        .asset(spec.asset)
        .eventsBetween(week * WEEK_HOURS, (week + 1) * WEEK_HOURS - 1)) {
        (event.kind === 'spike' ? spikes : crashes).push([symbol, event]);
      }
    });
    const index = (week - anchorWeek) * 64;
    const byStart = (a: [number, MarketEvent], b: [number, MarketEvent]) => a[1].startHour - b[1].startHour;
    spikes
      .sort(byStart)
      .slice(0, ctx.profile.eventTradesPerWeek)
      .forEach(([symbol, event], i) => {
        const series = ctx.market.asset(ctx.venue.symbols[symbol]!.asset);
        const signal = findSpikeSignal(series, event.startHour, event.startHour + event.hours + 6);
        if (signal === undefined) return;
        chaseSpike(
          new EpisodeWriter(ctx, STREAM_CHASE * EPISODE_STREAM_FACTOR + index + i, 'chase', out),
          symbol,
          signal,
        );
      });
    crashes
      .sort(byStart)
      .slice(0, ctx.profile.eventTradesPerWeek)
      .forEach(([symbol, event], i) => {
        panicInCrash(
          new EpisodeWriter(ctx, STREAM_PANIC * EPISODE_STREAM_FACTOR + index + i, 'panic', out),
          symbol,
          event,
        );
      });
  }
}

function writeOvertradeDays(ctx: TraderContext, out: TraderFill[], fromHour: number, toHour: number): void {
  const every = ctx.profile.overtradeEveryDays;
  const anchorDay = Math.floor(ANCHOR_HOUR / 24);
  const phase = mix(ctx.accountKey, STREAM_OVERTRADE) % every;
  for (let day = Math.floor(fromHour / 24); day <= Math.floor(toHour / 24); day++) {
    const index = day - anchorDay;
    if (index < 0 || index % every !== phase) continue;
    overtradeDay(
      new EpisodeWriter(ctx, STREAM_OVERTRADE * EPISODE_STREAM_FACTOR + index, 'overtrade', out),
      day * 24,
    );
  }
}

function writePerpetuals(ctx: TraderContext, out: TraderFill[], fromHour: number, toHour: number): void {
  const slotUs = ctx.profile.slotSeconds * 1e6 * PERPETUAL_EVERY_SLOTS;
  const [first, last] = slotRange(fromHour, toHour, slotUs);
  const perpetual = ctx.venue.symbols.length;
  for (let slot = first; slot <= last; slot++) {
    const w = new EpisodeWriter(ctx, STREAM_PERPETUAL * EPISODE_STREAM_FACTOR + slot, 'perpetual', out);
    plainTrade(w, hourStartUs(ANCHOR_HOUR) + slot * slotUs + Math.floor(w.draws.next() * slotUs), perpetual);
  }
}

/** Coinbase sometimes follows a fill with a REVERSAL or CORRECTION entry of the same trade. */
function writeCorrections(ctx: TraderContext, out: TraderFill[]): void {
  const spot = ctx.venue.symbols.length;
  const fills = out.length;
  for (let i = 0; i < fills; i++) {
    const fill = out[i]!;
    if (fill.symbol >= spot) continue;
    const roll = uniform(ctx.accountKey, CHANNEL_CORRECTION, fill.key, Math.floor(fill.key / 0x100000000));
    if (roll >= CORRECTION_CHANCE) continue;
    // Booked a little later, within the same hour, at the corrected trade's price.
    const roomUs = hourStartUs(hourOfUs(fill.timeUs) + 1) - 1 - fill.timeUs;
    out.push({
      ...fill,
      key: fill.key + CORRECTION_KEY_OFFSET,
      timeUs: fill.timeUs + 1 + Math.floor((roll / CORRECTION_CHANCE) * roomUs),
      precision: 6,
      tradeType: roll < CORRECTION_CHANCE * 0.6 ? 'REVERSAL' : 'CORRECTION',
    });
  }
}

/**
 * The fills of one (venue, account) from 30 days and an hour before the end of `hour` to that end,
 * sorted by time then key.
 */
export interface AccountBook {
  /** The hour of `now` the book was built for. */
  hour: number;
  fills: TraderFill[];
}

/**
 * Per sandbox instance: builds each account's book once per hour of `now` and keeps the latest,
 * so paging through 100,000 fills never regenerates them.
 */
export class TraderBooks {
  private readonly books = new Map<string, AccountBook>();

  constructor(
    private readonly market: Market,
    private readonly seed: number,
  ) {}

  book(venue: VenueSpec, account: SandboxAccount, nowMs: number): AccountBook {
    const hour = hourOfMs(nowMs);
    const cacheKey = `${venue.id}:${account}`;
    const cached = this.books.get(cacheKey);
    if (cached && cached.hour === hour) return cached;
    const profile = TRADER_PROFILES[account];
    const accountKey = mix(this.seed, venue.index, profile.index);
    const ctx: TraderContext = {
      market: this.market,
      venue,
      symbols: venueSymbols(venue),
      profile,
      accountKey,
      phases: stratumPhases(accountKey),
    };
    const toUs = hourStartUs(hour + 1);
    const fromUs = toUs - (HISTORY_MS * 1000 + HOUR_US);
    const book = { hour, fills: generateFills(ctx, fromUs, toUs) };
    this.books.set(cacheKey, book);
    return book;
  }
}

/** Index range [start, end) of the book's fills visible at `nowMs`: within the last 30 days, not after now. */
export function visibleRange(book: AccountBook, nowMs: number): [number, number] {
  const timeAt = (i: number) => book.fills[i]!.timeUs;
  return [
    upperBound(book.fills.length, timeAt, (nowMs - HISTORY_MS) * 1000),
    upperBound(book.fills.length, timeAt, nowMs * 1000),
  ];
}
