import { describe, expect, it } from 'vitest';
import { HISTORY_MS, HOUR_MS, hourOfUs } from '../core/time';
import type { VenueSpec } from '../market/market.assets';
import { BINANCE, COINBASE, venueSymbols } from '../market/market.assets';
import { Market } from '../market/market.series';
import type { SandboxAccount } from './trader.accounts';
import { SANDBOX_ACCOUNTS } from './trader.accounts';
import { TraderBooks, visibleRange } from './trader.book';
import type { TraderFill } from './trader.fill';

const NOW = Date.UTC(2026, 10, 25, 12, 34, 56);

function setup(seed: number) {
  const market = new Market(seed);
  return { market, books: new TraderBooks(market, seed) };
}

function visible(books: TraderBooks, venue: VenueSpec, account: SandboxAccount, nowMs = NOW): TraderFill[] {
  const book = books.book(venue, account, nowMs);
  const [start, end] = visibleRange(book, nowMs);
  return book.fills.slice(start, end);
}

const isSpotFill = (venue: VenueSpec) => (f: TraderFill) =>
  f.tradeType === 'FILL' && f.symbol < venue.symbols.length;

interface Exit {
  fill: TraderFill;
  pnl: number;
  heldHours: number;
  entryRsi: number;
}

/** FIFO-pairs the spot fills the way the importer will, and returns every sell with its result. */
function exitsOf(fills: readonly TraderFill[], market: Market, venue: VenueSpec): Exit[] {
  const symbols = venueSymbols(venue);
  const lots = new Map<number, { qty: number; price: number; timeUs: number; rsi: number }[]>();
  const exits: Exit[] = [];
  for (const fill of fills.filter(isSpotFill(venue))) {
    const series = market.asset(symbols[fill.symbol]!.asset);
    const open = lots.get(fill.symbol) ?? [];
    lots.set(fill.symbol, open);
    if (fill.side === 'BUY') {
      open.push({
        qty: fill.qtyUnits,
        price: fill.priceTicks,
        timeUs: fill.timeUs,
        rsi: series.features(hourOfUs(fill.timeUs) - 1).rsi14,
      });
      continue;
    }
    let remaining = fill.qtyUnits;
    let cost = 0;
    const first = open[0];
    while (remaining > 0 && open.length > 0) {
      const lot = open[0]!;
      const used = Math.min(lot.qty, remaining);
      cost += used * lot.price;
      lot.qty -= used;
      remaining -= used;
      if (lot.qty === 0) open.shift();
    }
    if (remaining > 0 || !first) continue;
    exits.push({
      fill,
      pnl: (fill.qtyUnits * fill.priceTicks - cost) / cost,
      heldHours: (fill.timeUs - first.timeUs) / 3.6e9,
      entryRsi: first.rsi,
    });
  }
  return exits;
}

interface Order {
  side: 'BUY' | 'SELL';
  startUs: number;
  endUs: number;
  notional: number;
  realized: number;
}

function ordersOf(fills: readonly TraderFill[], exits: readonly Exit[], venue: VenueSpec): Order[] {
  const realized = new Map(
    exits.map((e) => [e.fill.key, e.pnl * ((e.fill.qtyUnits * e.fill.priceTicks) / (1 + e.pnl))]),
  );
  const orders = new Map<number, Order>();
  for (const fill of fills.filter(isSpotFill(venue))) {
    const order = orders.get(fill.orderKey) ?? {
      side: fill.side,
      startUs: fill.timeUs,
      endUs: fill.timeUs,
      notional: 0,
      realized: 0,
    };
    order.endUs = Math.max(order.endUs, fill.timeUs);
    order.notional += (fill.qtyUnits * fill.priceTicks) / 1e10;
    order.realized += realized.get(fill.key) ?? 0;
    orders.set(fill.orderKey, order);
  }
  return [...orders.values()].sort((a, b) => a.startUs - b.startUs);
}

describe('TraderBooks', () => {
  it('builds the same fills for the same seed, and other fills for another seed', () => {
    for (const venue of [COINBASE, BINANCE]) {
      const a = visible(setup(3).books, venue, 'demo');
      expect(visible(setup(3).books, venue, 'demo')).toEqual(a);
      expect(visible(setup(4).books, venue, 'demo').map((f) => f.timeUs)).not.toEqual(a.map((f) => f.timeUs));
    }
  });

  it('never changes a fill as time moves on: old fills age out, new ones appear after them', () => {
    const { books } = setup(2);
    for (const venue of [COINBASE, BINANCE]) {
      const before = visible(books, venue, 'bench');
      const laterMs = NOW + 7 * HOUR_MS + 17 * 60_000;
      const after = visible(books, venue, 'bench', laterMs);
      const afterByKey = new Map(after.map((f) => [f.key, f]));
      const kept = before.filter((f) => f.timeUs > (laterMs - HISTORY_MS) * 1000);
      expect(kept.length).toBeGreaterThan(900);
      for (const fill of kept) expect(afterByKey.get(fill.key)).toEqual(fill);
      const beforeKeys = new Set(before.map((f) => f.key));
      for (const fill of after)
        if (!beforeKeys.has(fill.key)) expect(fill.timeUs).toBeGreaterThan(NOW * 1000);
    }
  });

  it('shows each account about its advertised number of fills in 30 days (±10 %)', () => {
    const { books } = setup(1);
    for (const venue of [COINBASE, BINANCE]) {
      for (const account of Object.keys(SANDBOX_ACCOUNTS) as SandboxAccount[]) {
        const count = visible(books, venue, account).filter(isSpotFill(venue)).length;
        expect(
          Math.abs(count / SANDBOX_ACCOUNTS[account] - 1),
          `${venue.id} ${account}: ${count}`,
        ).toBeLessThanOrEqual(0.1);
      }
    }
  });

  it('prices every fill inside its hour candle and keeps keys unique', () => {
    const { market, books } = setup(6);
    for (const venue of [COINBASE, BINANCE]) {
      const fills = visible(books, venue, 'bench');
      const symbols = venueSymbols(venue);
      expect(new Set(fills.map((f) => f.key)).size).toBe(fills.length);
      for (const fill of fills) {
        const candle = market.asset(symbols[fill.symbol]!.asset).candle(hourOfUs(fill.timeUs));
        expect(candle, `fill ${fill.key} is in a gap hour`).toBeDefined();
        expect(fill.priceTicks).toBeGreaterThanOrEqual(candle!.low);
        expect(fill.priceTicks).toBeLessThanOrEqual(candle!.high);
        expect(fill.qtyUnits % symbols[fill.symbol]!.qtyStepUnits).toBe(0);
      }
    }
  });

  it('fills orders in parts, exits positions in parts and varies the time precision', () => {
    const { books } = setup(1);
    const fills = visible(books, COINBASE, 'demo').filter(isSpotFill(COINBASE));
    const perOrder = new Map<number, number>();
    for (const fill of fills) perOrder.set(fill.orderKey, (perOrder.get(fill.orderKey) ?? 0) + 1);
    expect([...perOrder.values()].filter((n) => n > 1).length).toBeGreaterThan(10);
    expect(new Set(fills.map((f) => f.precision))).toEqual(new Set([0, 3, 6]));
    const sellOrdersByEpisode = new Map<number, Set<number>>();
    for (const fill of fills.filter((f) => f.side === 'SELL')) {
      const episode = Math.floor(fill.key / 256);
      sellOrdersByEpisode.set(episode, (sellOrdersByEpisode.get(episode) ?? new Set()).add(fill.orderKey));
    }
    expect([...sellOrdersByEpisode.values()].some((orders) => orders.size >= 2)).toBe(true);
  });

  it('adds perpetual fills and REVERSAL/CORRECTION entries on Coinbase only', () => {
    const { books } = setup(1);
    const coinbase = visible(books, COINBASE, 'bench');
    expect(coinbase.some((f) => f.symbol >= COINBASE.symbols.length)).toBe(true);
    expect(coinbase.some((f) => f.tradeType === 'REVERSAL')).toBe(true);
    expect(coinbase.some((f) => f.tradeType === 'CORRECTION')).toBe(true);
    expect(
      visible(books, BINANCE, 'bench').every(
        (f) => f.tradeType === 'FILL' && f.symbol < BINANCE.symbols.length,
      ),
    ).toBe(true);
  });

  for (const venue of [COINBASE, BINANCE]) {
    it(`acts out every bias the product tags in the ${venue.id} demo account`, () => {
      const { market, books } = setup(1);
      const fills = visible(books, venue, 'demo');
      const symbols = venueSymbols(venue);
      const featuresBefore = (fill: TraderFill) =>
        market.asset(symbols[fill.symbol]!.asset).features(hourOfUs(fill.timeUs) - 1);
      const exits = exitsOf(fills, market, venue);

      const chases = fills.filter(isSpotFill(venue)).filter((f) => {
        const x = featuresBefore(f);
        return f.side === 'BUY' && x.pct24h >= 0.08 && x.rsi14 >= 70 && x.bbPosition >= 0.8;
      });
      const panics = exits.filter((e) => {
        const x = featuresBefore(e.fill);
        return e.pnl < 0 && x.drawdown72 >= 0.06 && x.rsi14 <= 35;
      });
      const earlyExits = exits.filter((e) => {
        const series = market.asset(symbols[e.fill.symbol]!.asset);
        return e.heldHours < 2 && series.closeAt(hourOfUs(e.fill.timeUs) + 24) >= e.fill.priceTicks * 1.03;
      });
      const lateExits = exits.filter((e) => e.heldHours >= 36 && e.pnl <= -0.04);
      const disciplined = exits.filter(
        (e) => e.heldHours >= 4 && e.pnl >= -0.035 && e.pnl <= 0.06 && e.entryRsi <= 50,
      );

      const orders = ordersOf(fills, exits, venue);
      const revenges = orders.filter((buy, i) => {
        if (buy.side !== 'BUY') return false;
        const loss = orders
          .slice(0, i)
          .findLast((o) => o.side === 'SELL' && o.realized < 0 && buy.startUs - o.endUs <= 60 * 60e6);
        const previousEntry =
          loss && orders.slice(0, i).findLast((o) => o.side === 'BUY' && o.startUs < loss.startUs);
        return previousEntry !== undefined && buy.notional >= 1.5 * previousEntry.notional;
      });
      const buysPerDay = new Map<number, number>();
      for (const order of orders.filter((o) => o.side === 'BUY')) {
        const day = Math.floor(order.startUs / 86_400e6);
        buysPerDay.set(day, (buysPerDay.get(day) ?? 0) + 1);
      }
      const overtradingDays = [...buysPerDay.values()].filter((n) => n >= 8);

      expect(chases.length, 'chasing spikes').toBeGreaterThan(0);
      expect(panics.length, 'selling into dips').toBeGreaterThan(0);
      expect(revenges.length, 'revenge trades').toBeGreaterThan(0);
      expect(overtradingDays.length, 'overtrading days').toBeGreaterThan(0);
      expect(earlyExits.length, 'early exits').toBeGreaterThan(0);
      expect(lateExits.length, 'late exits').toBeGreaterThan(0);
      expect(disciplined.length, 'disciplined trades').toBeGreaterThan(0);
    });
  }
});
