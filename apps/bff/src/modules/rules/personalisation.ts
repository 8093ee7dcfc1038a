import {
  DEFAULT_RULE_PARAMS,
  type BiasFeatures,
  type RuleParams,
  type RuleProvenance,
  type ThresholdProvenance,
} from '@tt/shared';

/*
 * Personalisation (blueprint §6, v1.1): each bias threshold gets a normal prior centred on its
 * default, is updated with the user's own feature distribution (a quantile of it, with the
 * quantile's standard error as the measurement noise), then with their votes on reflections of
 * that label as pseudo-observations: an up-vote is one at the evidence-updated value ("keep it"),
 * a down-vote one two prior standard deviations further in the direction that makes the label
 * fire less. The posterior mean, clamped to the bounds and rounded, becomes the rule's parameter.
 */

/** Personalisation waits for this many trades. */
export const MIN_TRADES = 30;
/** A threshold's evidence counts only from this many trades with its feature. */
export const MIN_EVIDENCE = 10;
/** Evidence outweighs the prior at most four times: its standard error is floored at half the prior's. */
const MIN_SE_SHARE = 0.5;
/** A vote weighs a quarter of the prior: its standard deviation is twice the prior's. */
const VOTE_SD_MULTIPLE = 2;
/** A down-vote is a pseudo-observation this many prior standard deviations away. */
const DOWN_VOTE_STEP = 2;
export const METHOD =
  'normal-normal Bayesian update: default prior, feature quantile evidence, reflection votes';

export type PersonalisedKind = 'fomo' | 'panic';
export const PERSONALISED_KINDS: readonly PersonalisedKind[] = ['fomo', 'panic'];
export const LABEL_OF_KIND: Record<PersonalisedKind, 'FOMO' | 'PANIC'> = { fomo: 'FOMO', panic: 'PANIC' };

export interface ThresholdSpec {
  kind: PersonalisedKind;
  param: string;
  feature: 'pct_change_24h_before' | 'RSI_14' | 'BB_pos' | 'drawdown_recent';
  /** Which trades carry the evidence: entries for FOMO, losing exits for PANIC. */
  evidence: 'entries' | 'losingExits';
  /** `min`: the label fires at or above the threshold; `max`: at or below. */
  direction: 'min' | 'max';
  quantile: number;
  priorSd: number;
  lower: number;
  upper: number;
  /** Rounding step; the bounds are multiples of it. */
  step: number;
}

/** Bounds keep every threshold recognisable as the bias it names, whatever the data says. */
export const THRESHOLDS: readonly ThresholdSpec[] = [
  {
    kind: 'fomo',
    param: 'pct24h',
    feature: 'pct_change_24h_before',
    evidence: 'entries',
    direction: 'min',
    quantile: 0.9,
    priorSd: 0.02,
    lower: 0.04,
    upper: 0.2,
    step: 0.001,
  },
  {
    kind: 'fomo',
    param: 'rsiMin',
    feature: 'RSI_14',
    evidence: 'entries',
    direction: 'min',
    quantile: 0.9,
    priorSd: 5,
    lower: 60,
    upper: 85,
    step: 0.5,
  },
  {
    kind: 'fomo',
    param: 'bbPosMin',
    feature: 'BB_pos',
    evidence: 'entries',
    direction: 'min',
    quantile: 0.9,
    priorSd: 0.1,
    lower: 0.6,
    upper: 1.2,
    step: 0.01,
  },
  {
    kind: 'panic',
    param: 'drawdownMin',
    feature: 'drawdown_recent',
    evidence: 'losingExits',
    direction: 'min',
    quantile: 0.9,
    priorSd: 0.015,
    lower: 0.03,
    upper: 0.15,
    step: 0.001,
  },
  {
    kind: 'panic',
    param: 'rsiMax',
    feature: 'RSI_14',
    evidence: 'losingExits',
    direction: 'max',
    quantile: 0.1,
    priorSd: 5,
    lower: 20,
    upper: 45,
    step: 0.5,
  },
];

export interface Votes {
  up: number;
  down: number;
}

export interface PersonalisationInput {
  /** The user's trades. */
  trades: number;
  /** One feature set per scored trade. */
  features: readonly BiasFeatures[];
  votes: Record<PersonalisedKind, Votes>;
  now: Date;
}

export interface PersonalisedRule<K extends PersonalisedKind = PersonalisedKind> {
  kind: K;
  params: RuleParams[K];
  provenance: Extract<RuleProvenance, { source: 'personalised' }>;
}

/** Sample quantile with linear interpolation between order statistics (sorted input). */
function quantileOf(sorted: readonly number[], q: number): number {
  const position = Math.min(Math.max(q, 0), 1) * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/**
 * The quantile and its standard error from the order statistics one binomial standard deviation
 * either side (distribution-free, deterministic).
 */
function quantileEvidence(values: readonly number[], q: number): { estimate: number; se: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const spread = Math.sqrt((q * (1 - q)) / sorted.length);
  return {
    estimate: quantileOf(sorted, q),
    se: (quantileOf(sorted, q + spread) - quantileOf(sorted, q - spread)) / 2,
  };
}

function evidenceValues(spec: ThresholdSpec, features: readonly BiasFeatures[]): number[] {
  const out: number[] = [];
  for (const f of features) {
    const relevant =
      spec.evidence === 'entries'
        ? f.side === 'BUY'
        : f.side === 'SELL' && f.pnl_exit != null && f.pnl_exit < 0;
    const value = f[spec.feature];
    if (relevant && typeof value === 'number' && Number.isFinite(value)) out.push(value);
  }
  return out;
}

const roundTo = (value: number, step: number) => {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return Number((Math.round(value / step) * step).toFixed(decimals));
};

export function updateThreshold(
  spec: ThresholdSpec,
  features: readonly BiasFeatures[],
  votes: Votes,
): ThresholdProvenance {
  const prior = (DEFAULT_RULE_PARAMS[spec.kind] as Record<string, number>)[spec.param]!;
  const values = evidenceValues(spec, features);
  let precision = 1 / spec.priorSd ** 2;
  let weighted = prior * precision;
  let evidence: { estimate: number; se: number } | null = null;
  if (values.length >= MIN_EVIDENCE) {
    const raw = quantileEvidence(values, spec.quantile);
    evidence = { estimate: raw.estimate, se: Math.max(raw.se, MIN_SE_SHARE * spec.priorSd) };
    precision += 1 / evidence.se ** 2;
    weighted += evidence.estimate / evidence.se ** 2;
  }
  const anchor = weighted / precision;
  const away = anchor + (spec.direction === 'min' ? 1 : -1) * DOWN_VOTE_STEP * spec.priorSd;
  const votePrecision = 1 / (VOTE_SD_MULTIPLE * spec.priorSd) ** 2;
  const up = Math.max(0, Math.floor(votes.up));
  const down = Math.max(0, Math.floor(votes.down));
  weighted += votePrecision * (up * anchor + down * away);
  precision += votePrecision * (up + down);
  const mean = weighted / precision;
  const value = Math.min(
    spec.upper,
    Math.max(spec.lower, roundTo(Math.min(spec.upper, Math.max(spec.lower, mean)), spec.step)),
  );
  return {
    value,
    default: prior,
    priorSd: spec.priorSd,
    lower: spec.lower,
    upper: spec.upper,
    evidenceN: values.length,
    quantile: spec.quantile,
    evidenceEstimate: evidence?.estimate ?? null,
    evidenceSe: evidence?.se ?? null,
    feedbackUp: up,
    feedbackDown: down,
    posteriorMean: mean,
    posteriorSd: 1 / Math.sqrt(precision),
    clamped: mean < spec.lower || mean > spec.upper,
  };
}

/** The personalised thresholds of every kind, or null below {@link MIN_TRADES} trades. */
export function personalise(input: PersonalisationInput): PersonalisedRule[] | null {
  if (input.trades < MIN_TRADES) return null;
  return PERSONALISED_KINDS.map((kind) => {
    const thresholds: Record<string, ThresholdProvenance> = {};
    for (const spec of THRESHOLDS.filter((s) => s.kind === kind)) {
      thresholds[spec.param] = updateThreshold(spec, input.features, input.votes[kind]);
    }
    const params = Object.fromEntries(Object.entries(thresholds).map(([param, t]) => [param, t.value]));
    return {
      kind,
      params: params as RuleParams[typeof kind],
      provenance: {
        source: 'personalised',
        method: METHOD,
        computedAt: input.now.toISOString(),
        trades: input.trades,
        minTrades: MIN_TRADES,
        thresholds,
      },
    };
  });
}
