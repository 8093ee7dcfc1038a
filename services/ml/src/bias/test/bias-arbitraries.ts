import fc from 'fast-check';
import type { BiasFeatures } from '@tt/shared';

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });
export const fraction = (min: number, max: number) => fc.double({ min, max, noNaN: true });

export const featuresArb: fc.Arbitrary<BiasFeatures> = fc.record(
  {
    symbol: maybe(fc.constantFrom('BTC-USD', 'ETH-USDT', 'SOL-EUR')),
    RSI_14: maybe(fraction(0, 100)),
    ATR_rel: maybe(fraction(0, 0.2)),
    BB_pos: maybe(fraction(-1, 2)),
    gap_from_MA: maybe(fraction(-0.5, 0.5)),
    pct_change_1h_before: maybe(fraction(-0.2, 0.2)),
    pct_change_24h_before: maybe(fraction(-0.4, 0.4)),
    drawdown_recent: maybe(fraction(0, 0.6)),
    held_hours: maybe(fraction(0, 500)),
    pnl_exit: maybe(fraction(-0.5, 0.5)),
    pnl_exit_quote: maybe(
      fc.integer({ min: -100_000, max: 100_000 }).map((cents) => (cents / 100).toFixed(2)),
    ),
    planned_hold_hours: maybe(fraction(0, 100)),
    stop_loss_hit: maybe(fc.boolean()),
    minutes_since_last_losing_exit: maybe(fraction(0, 600)),
    last_losing_exit_pnl: maybe(fraction(-0.3, 0)),
    size_vs_prev_entry: maybe(fraction(0, 5)),
    trades_today: maybe(fc.integer({ min: 0, max: 60 })),
    median_trades_per_day: maybe(fraction(0, 20)),
    pct_above_support: maybe(fraction(0, 0.2)),
  },
  { requiredKeys: [] },
);
