import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANCHOR_HOUR, EPOCH_MS, HOUR_MS, hourOfMs } from '../core/time';
import { GAP_BLOCK_HOURS, weekRegime } from './market.events';
import { bollingerPosition, drawdown, pctChange, wilderRsi } from './market.indicators';
import { Market } from './market.series';

const NOW_HOUR = hourOfMs(Date.UTC(2026, 10, 25, 12));

describe('wilderRsi', () => {
  it('matches a hand computation with TA-Lib seeding', () => {
    // 14 changes of +1 and -1 alternating from 10: gains 7, losses 7 → first RSI 50.
    const closes = [10];
    for (let i = 1; i <= 14; i++) closes.push(closes[i - 1]! + (i % 2 === 1 ? 1 : -1));
    closes.push(closes[14]! + 2);
    const rsi = wilderRsi(closes);
    expect(rsi[13]).toBeNaN();
    expect(rsi[14]).toBeCloseTo(50, 12);
    // Next: gain (0.5·13 + 2)/14, loss 0.5·13/14.
    const gain = (0.5 * 13 + 2) / 14;
    const loss = (0.5 * 13) / 14;
    expect(rsi[15]).toBeCloseTo(100 - 100 / (1 + gain / loss), 12);
  });

  it('is 100 without losses and 50 without movement', () => {
    expect(wilderRsi(Array.from({ length: 16 }, (_, i) => i))[15]).toBe(100);
    expect(wilderRsi(Array.from({ length: 16 }, () => 5))[15]).toBe(50);
  });
});

describe('drawdown', () => {
  it('equals the brute-force maximum over every window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1_000 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 30 }),
        (highs, window) => {
          const closes = highs.map((h) => h / 2);
          const fast = drawdown(highs, closes, window);
          for (let i = 0; i < highs.length; i++) {
            if (i < window - 1) expect(fast[i]).toBeNaN();
            else expect(fast[i]).toBe(1 - closes[i]! / Math.max(...highs.slice(i - window + 1, i + 1)));
          }
        },
      ),
    );
  });
});

describe('other indicators', () => {
  it('follow DESIGN §6 definitions', () => {
    const flat = Array.from({ length: 20 }, () => 3);
    expect(bollingerPosition(flat)[19]).toBe(0.5);
    expect(pctChange([100, 110], 1)[1]).toBeCloseTo(0.1, 12);
    const highs = [...Array.from({ length: 71 }, () => 100), 80];
    expect(drawdown(highs, [...Array.from({ length: 71 }, () => 90), 75])[71]).toBeCloseTo(0.25, 12);
  });
});

describe('Market', () => {
  it('gives the same candles for the same seed and others for another seed', () => {
    const a = new Market(5).asset('BTC');
    const b = new Market(5).asset('BTC');
    const c = new Market(6).asset('BTC');
    const hours = [NOW_HOUR - 900, NOW_HOUR - 10, NOW_HOUR];
    expect(hours.map((h) => a.candle(h) ?? a.candle(h + 1))).toEqual(
      hours.map((h) => b.candle(h) ?? b.candle(h + 1)),
    );
    expect(c.closeAt(NOW_HOUR)).not.toBe(a.closeAt(NOW_HOUR));
  });

  it('never changes a candle once computed, however far the series grows', () => {
    const short = new Market(9).asset('ETH');
    const long = new Market(9).asset('ETH');
    short.ensure(NOW_HOUR);
    long.ensure(NOW_HOUR + 2_000);
    for (let h = NOW_HOUR - 1_000; h <= NOW_HOUR; h++) expect(short.candle(h)).toEqual(long.candle(h));
  });

  it('keeps OHLC consistent, chains opens to closes and trades at realistic levels', () => {
    const market = new Market(3);
    const levels = {
      BTC: [30_000, 250_000],
      ETH: [1_000, 10_000],
      SOL: [40, 800],
      BNB: [150, 2_000],
    } as const;
    for (const asset of ['BTC', 'ETH', 'SOL', 'BNB'] as const) {
      const series = market.asset(asset);
      for (let h = NOW_HOUR - 24 * 60; h <= NOW_HOUR; h++) {
        const candle = series.candle(h);
        if (!candle) continue;
        expect(candle.low).toBeLessThanOrEqual(Math.min(candle.open, candle.close));
        expect(candle.high).toBeGreaterThanOrEqual(Math.max(candle.open, candle.close));
        expect(candle.open).toBe(series.closeAt(h - 1));
        expect(candle.volume).toBeGreaterThan(0);
        expect(candle.close / 100).toBeGreaterThan(levels[asset][0]);
        expect(candle.close / 100).toBeLessThan(levels[asset][1]);
      }
    }
  });

  it('has exactly one gap hour in every block of 240 hours', () => {
    const series = new Market(4).asset('SOL');
    const firstBlock = Math.ceil((NOW_HOUR - 24 * 60) / GAP_BLOCK_HOURS);
    for (let block = firstBlock; block < firstBlock + 5; block++) {
      let gaps = 0;
      for (let h = block * GAP_BLOCK_HOURS; h < (block + 1) * GAP_BLOCK_HOURS; h++)
        if (series.isGap(h)) gaps++;
      expect(gaps).toBe(1);
    }
    expect(series.isGap(ANCHOR_HOUR - 1)).toBe(true);
  });

  it('schedules both spikes and crashes within 30 days, and has quiet weeks', () => {
    const market = new Market(11);
    const events = (['BTC', 'ETH', 'SOL'] as const).flatMap((a) =>
      market.asset(a).eventsBetween(NOW_HOUR - 720, NOW_HOUR),
    );
    expect(events.some((e) => e.kind === 'spike')).toBe(true);
    expect(events.some((e) => e.kind === 'crash')).toBe(true);
    const btc = market.asset('BTC');
    const regimes = Array.from({ length: 52 }, (_, week) => weekRegime(btc.key, NOW_HOUR - week * 168));
    expect(regimes).toContain('quiet');
    expect(regimes).toContain('stormy');
  });
});

describe('closedHours', () => {
  const series = new Market(5).asset('ETH');
  const nowHour = ANCHOR_HOUR + 2_000;
  const nowMs = EPOCH_MS + nowHour * HOUR_MS + HOUR_MS / 2;

  it('answers only closed hours without gaps, ascending, the newest or the oldest ones up to the limit', () => {
    const all = series.closedHours({
      oldest: -Infinity,
      newest: Infinity,
      nowMs,
      limit: 10_000,
      keep: 'newest',
    });
    expect(all[0]).toBe(ANCHOR_HOUR);
    expect(all.at(-1)).toBe(nowHour - 1);
    expect(all.every((hour, i) => i === 0 || hour > all[i - 1]!)).toBe(true);
    expect(all.every((hour) => !series.isGap(hour))).toBe(true);
    expect(all.length).toBeLessThan(2_000);

    const newest = series.closedHours({
      oldest: -Infinity,
      newest: Infinity,
      nowMs,
      limit: 5,
      keep: 'newest',
    });
    const oldest = series.closedHours({
      oldest: -Infinity,
      newest: Infinity,
      nowMs,
      limit: 5,
      keep: 'oldest',
    });
    expect(newest).toEqual(all.slice(-5));
    expect(oldest).toEqual(all.slice(0, 5));
  });
});
