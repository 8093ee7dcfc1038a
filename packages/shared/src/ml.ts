import { z } from 'zod';
import { CoachToneSchema } from './auth';

/*
 * Wire contracts of the ML service (DESIGN.md §5 "ML service", §5a "Rules", §6 "Domain rules").
 * The BFF calls it in-process (embedded mode) or over HMAC-signed HTTP (scaled mode) with these shapes.
 */

const IsoTimestampSchema = z.iso.datetime({ offset: true });
const FeatureNumber = z.number().nullish();

/** `BASE-QUOTE`, upper case (`BTC-USD`). */
export const MlSymbolSchema = z
  .string()
  .regex(/^[A-Z0-9]{1,20}-[A-Z0-9]{1,20}$/, 'expected BASE-QUOTE, upper case');

export const MlTradeSideSchema = z.enum(['BUY', 'SELL']);
export type MlTradeSide = z.infer<typeof MlTradeSideSchema>;

/** One hourly candle; `ts` is its open time, so it closes at `ts + 1h`. */
export const MlCandleSchema = z.object({
  ts: IsoTimestampSchema,
  open: z.number().positive(),
  high: z.number().positive(),
  low: z.number().positive(),
  close: z.number().positive(),
  volume: z.number().nonnegative(),
});
export type MlCandle = z.infer<typeof MlCandleSchema>;

export const MAX_CANDLES_PER_SERIES = 100_000;
export const MAX_BATCH_ENTRIES = 100_000;
export const MAX_BATCH_ITEMS = 10_000;

const CandleSeriesSchema = z.array(MlCandleSchema).max(MAX_CANDLES_PER_SERIES);

export const IndicatorRequestSchema = z.object({
  ohlcv: CandleSeriesSchema,
  entryTs: IsoTimestampSchema,
  granularity: z.literal('1h'),
});
export type IndicatorRequest = z.infer<typeof IndicatorRequestSchema>;

/** Market context at the entry; each is null when there is too little closed history (DESIGN §6). */
export const IndicatorFeaturesSchema = z.object({
  RSI_14: z.number().nullable(),
  ATR_rel: z.number().nullable(),
  BB_pos: z.number().nullable(),
  gap_from_MA: z.number().nullable(),
  pct_change_1h_before: z.number().nullable(),
  pct_change_24h_before: z.number().nullable(),
  drawdown_recent: z.number().nullable(),
});
export type IndicatorFeatures = z.infer<typeof IndicatorFeaturesSchema>;
export const INDICATOR_FEATURE_NAMES = Object.keys(
  IndicatorFeaturesSchema.shape,
) as (keyof IndicatorFeatures)[];

export const IndicatorBatchEntrySchema = z.object({
  id: z.string().min(1).max(200),
  symbol: MlSymbolSchema,
  entryTs: IsoTimestampSchema,
});
export type IndicatorBatchEntry = z.infer<typeof IndicatorBatchEntrySchema>;

/** Candles travel once per symbol; every entry names the series it is measured on. */
export const IndicatorBatchRequestSchema = z
  .object({
    series: z.record(MlSymbolSchema, CandleSeriesSchema),
    entries: z.array(IndicatorBatchEntrySchema).max(MAX_BATCH_ENTRIES),
  })
  .superRefine((req, ctx) => {
    req.entries.forEach((entry, i) => {
      if (!Object.hasOwn(req.series, entry.symbol)) {
        ctx.addIssue({
          code: 'custom',
          path: ['entries', i, 'symbol'],
          message: `no series for ${entry.symbol}`,
        });
      }
    });
  });
export type IndicatorBatchRequest = z.infer<typeof IndicatorBatchRequestSchema>;

export const IndicatorBatchResultSchema = IndicatorFeaturesSchema.extend({ id: z.string() });
export type IndicatorBatchResult = z.infer<typeof IndicatorBatchResultSchema>;
/** Results in the order of the request's entries. */
export const IndicatorBatchResponseSchema = z.object({ results: z.array(IndicatorBatchResultSchema) });
export type IndicatorBatchResponse = z.infer<typeof IndicatorBatchResponseSchema>;

export const BIAS_LABELS = [
  'FOMO',
  'PANIC',
  'DISCIPLINE',
  'REVENGE',
  'OVERTRADING',
  'EARLY_EXIT',
  'LATE_EXIT',
  'NEUTRAL',
] as const;
export const BiasLabelSchema = z.enum(BIAS_LABELS);
export type BiasLabel = z.infer<typeof BiasLabelSchema>;

/**
 * What the scorer and the coach know about one trade: the indicator features plus the trade
 * context the BFF derives from the user's history. Every field may be missing or null; a check
 * whose inputs are missing simply does not fire. Fractions, not percents (8 % is 0.08).
 */
export const BiasFeaturesSchema = z.object({
  RSI_14: FeatureNumber,
  ATR_rel: FeatureNumber,
  BB_pos: FeatureNumber,
  gap_from_MA: FeatureNumber,
  pct_change_1h_before: FeatureNumber,
  pct_change_24h_before: FeatureNumber,
  drawdown_recent: FeatureNumber,
  /** Trade side; when given it must equal the request's `side`. */
  side: MlTradeSideSchema.nullish(),
  /** `BASE-QUOTE`; only used to word the reflection. */
  symbol: MlSymbolSchema.nullish(),
  /** Exits: hours the closed lots were open (quantity-weighted over the FIFO lots). */
  held_hours: z.number().nonnegative().nullish(),
  /** Exits: realised P/L after fees as a fraction of the lots' cost (−0.042 is a 4.2 % loss). */
  pnl_exit: FeatureNumber,
  /** Exits: realised P/L after fees in the quote currency, as a decimal string. */
  pnl_exit_quote: z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string')
    .nullish(),
  /** Exits: the trader's own planned holding time for this position; overrides the `minHoldHours` rule. */
  planned_hold_hours: z.number().nonnegative().nullish(),
  /** Exits: whether price touched the stop level (entry × (1 − stopLossPct)) while the position was open. */
  stop_loss_hit: z.boolean().nullish(),
  /** Entries: minutes since the user's most recent exit that closed at a loss (any symbol); null if none. */
  minutes_since_last_losing_exit: z.number().nonnegative().nullish(),
  /** Entries: `pnl_exit` of that losing exit (negative). */
  last_losing_exit_pnl: FeatureNumber,
  /** Entries: this entry's quote cost divided by the user's previous entry's quote cost. */
  size_vs_prev_entry: z.number().nonnegative().nullish(),
  /** The user's trades on this trade's calendar day (in the user's time zone), this one included. */
  trades_today: z.number().int().nonnegative().nullish(),
  /** Median of the user's trades per active day over the imported window. */
  median_trades_per_day: z.number().nonnegative().nullish(),
  /** Entries: p0 / lowest low of the previous 72 hourly candles − 1 (0 means buying at the low). */
  pct_above_support: FeatureNumber,
});
export type BiasFeatures = z.infer<typeof BiasFeaturesSchema>;

export const RULE_KINDS = [
  'fomo',
  'panic',
  'minHoldHours',
  'stopLossPct',
  'maxTradesPerDay',
  'cooldownAfterLossMinutes',
  'avoidSpikeOverPct',
] as const;
export const RuleKindSchema = z.enum(RULE_KINDS);
export type RuleKind = z.infer<typeof RuleKindSchema>;

const Fraction = z.number().positive().max(10);

/** Rule parameters per kind (DESIGN §5a); fractions, not percents. */
export const RuleParamsSchemas = {
  fomo: z.object({
    pct24h: Fraction,
    rsiMin: z.number().min(0).max(100),
    bbPosMin: z.number().min(-5).max(5),
  }),
  panic: z.object({ drawdownMin: Fraction.max(1), rsiMax: z.number().min(0).max(100) }),
  minHoldHours: z.object({
    hours: z
      .number()
      .positive()
      .max(24 * 365),
  }),
  stopLossPct: z.object({ pct: Fraction.max(1) }),
  maxTradesPerDay: z.object({ count: z.number().int().positive().max(100_000) }),
  cooldownAfterLossMinutes: z.object({
    minutes: z
      .number()
      .positive()
      .max(60 * 24 * 30),
  }),
  avoidSpikeOverPct: z.object({ pct: Fraction }),
} as const satisfies Record<RuleKind, z.ZodType>;
export type RuleParams = { [K in RuleKind]: z.infer<(typeof RuleParamsSchemas)[K]> };

/**
 * Thresholds used when the user has no rule of a kind. `fomo` and `panic` are the blueprint's §6
 * heuristics; the others are conservative coaching defaults. `avoidSpikeOverPct` is opt-in: its
 * value here is the suggestion for a new rule, and the check runs only when the user has the rule.
 */
export const DEFAULT_RULE_PARAMS: RuleParams = {
  fomo: { pct24h: 0.08, rsiMin: 70, bbPosMin: 0.8 },
  panic: { drawdownMin: 0.06, rsiMax: 35 },
  minHoldHours: { hours: 4 },
  stopLossPct: { pct: 0.05 },
  maxTradesPerDay: { count: 10 },
  cooldownAfterLossMinutes: { minutes: 60 },
  avoidSpikeOverPct: { pct: 0.08 },
};

const ruleOf = <K extends RuleKind>(kind: K) =>
  z.object({
    kind: z.literal(kind),
    params: RuleParamsSchemas[kind],
    /** An inactive rule switches its check off; a missing rule falls back to the default. */
    active: z.boolean().optional(),
  });

export const BiasRuleSchema = z.discriminatedUnion('kind', [
  ruleOf('fomo'),
  ruleOf('panic'),
  ruleOf('minHoldHours'),
  ruleOf('stopLossPct'),
  ruleOf('maxTradesPerDay'),
  ruleOf('cooldownAfterLossMinutes'),
  ruleOf('avoidSpikeOverPct'),
]);
export type BiasRule = z.infer<typeof BiasRuleSchema>;

const RuleListSchema = z
  .array(BiasRuleSchema)
  .max(RULE_KINDS.length)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, i) => {
      if (seen.has(rule.kind))
        ctx.addIssue({ code: 'custom', path: [i, 'kind'], message: 'one rule per kind' });
      seen.add(rule.kind);
    });
  });

const scoreItemShape = {
  features: BiasFeaturesSchema,
  side: MlTradeSideSchema,
  /** The user's rules; kinds left out use DEFAULT_RULE_PARAMS. */
  rules: RuleListSchema.optional(),
};
const sideAgrees = (item: { side: MlTradeSide; features: BiasFeatures }) =>
  item.features.side == null || item.features.side === item.side;
const sideIssue = { message: 'features.side must equal side', path: ['features', 'side'] };

export const BiasScoreRequestSchema = z.object(scoreItemShape).refine(sideAgrees, sideIssue);
export type BiasScoreRequest = z.infer<typeof BiasScoreRequestSchema>;

export const BiasLabelScoreSchema = z.object({
  label: BiasLabelSchema,
  confidence: z.number().min(0).max(1),
  /** Which conditions fired, in plain words with the numbers. */
  reasons: z.array(z.string()),
});
export type BiasLabelScore = z.infer<typeof BiasLabelScoreSchema>;

/** At least one label, strongest first (the blueprint's `{label, confidence}` is the first element). */
export const BiasScoreResponseSchema = z.object({ labels: z.array(BiasLabelScoreSchema).min(1) });
export type BiasScoreResponse = z.infer<typeof BiasScoreResponseSchema>;

export const BiasScoreBatchItemSchema = z
  .object({ id: z.string().min(1).max(200), ...scoreItemShape })
  .refine(sideAgrees, sideIssue);
export type BiasScoreBatchItem = z.infer<typeof BiasScoreBatchItemSchema>;

export const BiasScoreBatchRequestSchema = z.object({
  items: z.array(BiasScoreBatchItemSchema).max(MAX_BATCH_ITEMS),
});
export type BiasScoreBatchRequest = z.infer<typeof BiasScoreBatchRequestSchema>;

export const BiasScoreBatchResponseSchema = z.object({
  results: z.array(z.object({ id: z.string(), labels: BiasScoreResponseSchema.shape.labels })),
});
export type BiasScoreBatchResponse = z.infer<typeof BiasScoreBatchResponseSchema>;

export const ReflectRequestSchema = z.object({
  features: BiasFeaturesSchema,
  label: BiasLabelSchema,
  tone: CoachToneSchema,
});
export type ReflectRequest = z.infer<typeof ReflectRequestSchema>;

/** Two sentences: an observation with the numbers and one concrete habit. */
export const ReflectResponseSchema = z.object({
  text: z.string().min(1),
  tone: CoachToneSchema,
  bias: BiasLabelSchema,
});
export type ReflectResponse = z.infer<typeof ReflectResponseSchema>;

/** Where one personalised threshold came from (blueprint §6 v1.1): prior, evidence, votes, bounds. */
export const ThresholdProvenanceSchema = z.object({
  /** The number in force (the posterior mean, clamped to the bounds and rounded). */
  value: z.number(),
  /** DEFAULT_RULE_PARAMS: the prior's mean. */
  default: z.number(),
  priorSd: z.number(),
  lower: z.number(),
  upper: z.number(),
  /** The user's own trades that had this feature. */
  evidenceN: z.number().int(),
  /** Which quantile of the user's feature values the evidence estimates. */
  quantile: z.number(),
  /** Null when fewer trades than needed had the feature (then only prior and votes count). */
  evidenceEstimate: z.number().nullable(),
  evidenceSe: z.number().nullable(),
  feedbackUp: z.number().int(),
  feedbackDown: z.number().int(),
  posteriorMean: z.number(),
  posteriorSd: z.number(),
  clamped: z.boolean(),
});
export type ThresholdProvenance = z.infer<typeof ThresholdProvenanceSchema>;

/**
 * `personalised`: the numbers came from the Bayesian update, one entry per parameter.
 * `reset`: the user put the rule back to the default and switched personalisation off for it.
 * A rule set by hand (or a kind without a rule) has no provenance (null).
 */
export const RuleProvenanceSchema = z.discriminatedUnion('source', [
  z.object({
    source: z.literal('personalised'),
    method: z.string(),
    computedAt: z.string(),
    /** The user's trades when it ran (personalisation needs at least `minTrades`). */
    trades: z.number().int(),
    minTrades: z.number().int(),
    thresholds: z.record(z.string(), ThresholdProvenanceSchema),
  }),
  z.object({ source: z.literal('reset'), resetAt: z.string(), note: z.string() }),
]);
export type RuleProvenance = z.infer<typeof RuleProvenanceSchema>;

/** A rule as `GET /api/rules` lists it: the user's own, or the default for its kind. */
export const RuleDtoSchema = z.object({
  kind: RuleKindSchema,
  params: z.record(z.string(), z.number()),
  active: z.boolean(),
  /** Where each number came from when personalisation set it; null when set by hand or default. */
  provenance: RuleProvenanceSchema.nullable(),
  isDefault: z.boolean(),
  updatedAt: z.string().nullable(),
});
export type RuleDto = z.infer<typeof RuleDtoSchema>;
export const RuleUpsertRequestSchema = z.object({
  kind: RuleKindSchema,
  params: z.record(z.string(), z.unknown()),
  active: z.boolean().optional(),
});

/**
 * `POST /api/rules/reset`: `default` puts the kind back to DEFAULT_RULE_PARAMS (and, for the
 * personalised kinds, keeps personalisation off for it); `personalised` runs personalisation for
 * it now and keeps it on.
 */
export const RuleResetRequestSchema = z.object({
  kind: RuleKindSchema,
  to: z.enum(['default', 'personalised']).default('default'),
});
export type RuleResetRequest = z.input<typeof RuleResetRequestSchema>;
