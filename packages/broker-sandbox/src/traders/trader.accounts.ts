/**
 * The sandbox accounts a person or a test can pick: `demo` is the account new users try the
 * product with; `bench` and `scale` feed the benchmarks. Values are the approximate number of fills
 * each account shows over the last 30 days.
 */
export const SANDBOX_ACCOUNTS = { demo: 300, bench: 1_000, scale: 100_000 } as const;

export type SandboxAccount = keyof typeof SANDBOX_ACCOUNTS;

export function isSandboxAccount(value: unknown): value is SandboxAccount {
  return typeof value === 'string' && Object.hasOwn(SANDBOX_ACCOUNTS, value);
}

/** The behaviours the demo traders act out; each matches a bias (or its absence) the product tags. */
export type TradePattern =
  | 'plain'
  | 'disciplined'
  | 'early-exit'
  | 'late-exit'
  | 'revenge'
  | 'chase'
  | 'panic'
  | 'overtrade'
  | 'perpetual';

/** Patterns an ordinary episode slot can draw; `chase` and `panic` fall back to `plain` when the market offers no chance. */
export const SLOT_PATTERNS = [
  'plain',
  'disciplined',
  'early-exit',
  'late-exit',
  'revenge',
  'chase',
  'panic',
] as const;
export type SlotPattern = (typeof SLOT_PATTERNS)[number];

export interface TraderProfile {
  account: SandboxAccount;
  index: number;
  /** An ordinary episode starts once per slot of this many seconds (calibrated to the account's fill count). */
  slotSeconds: number;
  /** Typical order size in quote currency. */
  notionalUsd: readonly [number, number];
  /** Relative weights of `SLOT_PATTERNS`. */
  patternWeights: Readonly<Record<SlotPattern, number>>;
  /** Each week the trader chases up to this many of the market's spikes and panics in as many crashes. */
  eventTradesPerWeek: number;
  /** One overtrading day every this many days. */
  overtradeEveryDays: number;
}

const PATTERN_WEIGHTS: Readonly<Record<SlotPattern, number>> = {
  plain: 22,
  disciplined: 26,
  'early-exit': 14,
  'late-exit': 12,
  revenge: 14,
  chase: 6,
  panic: 6,
};

export const TRADER_PROFILES: Readonly<Record<SandboxAccount, TraderProfile>> = {
  demo: {
    account: 'demo',
    index: 1,
    slotSeconds: 15.8 * 3600,
    notionalUsd: [250, 2_500],
    patternWeights: PATTERN_WEIGHTS,
    eventTradesPerWeek: 1,
    overtradeEveryDays: 10,
  },
  bench: {
    account: 'bench',
    index: 2,
    slotSeconds: 3.93 * 3600,
    notionalUsd: [200, 3_000],
    patternWeights: PATTERN_WEIGHTS,
    eventTradesPerWeek: 2,
    overtradeEveryDays: 4,
  },
  scale: {
    account: 'scale',
    index: 3,
    slotSeconds: 107,
    notionalUsd: [50, 1_500],
    patternWeights: PATTERN_WEIGHTS,
    eventTradesPerWeek: 8,
    overtradeEveryDays: 1,
  },
};
