import { z } from 'zod';
import { BiasLabelSchema, RuleKindSchema } from './ml';

export const LabelWeekSchema = z.object({
  label: BiasLabelSchema,
  /** Trades of the week carrying this label. */
  count: z.number().int(),
  previousWeekCount: z.number().int(),
  trend: z.enum(['up', 'down', 'same']),
  /**
   * Realised P&L (fees included) of the week's closed positions whose entry or exit carries this
   * label: negative is what the habit cost.
   */
  pnl: z.string(),
  /** Closed positions (exits) behind `pnl`. */
  positions: z.number().int(),
});
export type LabelWeek = z.infer<typeof LabelWeekSchema>;

const PositionRefSchema = z.object({ tradeId: z.string(), symbol: z.string(), pnl: z.string() });

/**
 * The weekly digest (issue 9): stored as the payload of `digests`, served as is. The week runs
 * Monday 00:00 to the next Monday 00:00 in the user's time zone; a closed position is an exit fill
 * with the FIFO lots it closed. Money is summed across quote currencies as listed (no conversion).
 */
export const DigestPayloadSchema = z.object({
  periodStart: z.string(),
  periodEnd: z.string(),
  timeZone: z.string(),
  /** The week's Monday and Sunday as local dates (`YYYY-MM-DD`). */
  firstDay: z.string(),
  lastDay: z.string(),
  quoteCurrencies: z.array(z.string()),
  /** Fills in the week. */
  trades: z.number().int(),
  closedPositions: z.number().int(),
  winRate: z.number().nullable(),
  pnl: z.string(),
  /** Average realised P&L per closed position. */
  expectancy: z.string().nullable(),
  /** Gross profit / gross loss; null without a losing position. */
  profitFactor: z.number().nullable(),
  /** Every label, in BIAS_LABELS order. */
  labels: z.array(LabelWeekSchema),
  /**
   * Odean (1998): on each local day with a sale, every symbol sold counts as a realised gain or loss
   * and every symbol held but not sold as a paper gain or loss (its hourly close against the average
   * cost). PGR = RG / (RG + PG), PLR = RL / (RL + PL); difference = PGR − PLR, positive means gains
   * are realised more readily than losses. Null when the week had no sale.
   */
  dispositionEffect: z
    .object({
      pgr: z.number().nullable(),
      plr: z.number().nullable(),
      difference: z.number().nullable(),
      realisedGains: z.number().int(),
      realisedLosses: z.number().int(),
      paperGains: z.number().int(),
      paperLosses: z.number().int(),
      saleDays: z.number().int(),
    })
    .nullable(),
  best: PositionRefSchema.nullable(),
  worst: PositionRefSchema.nullable(),
  /** From the label that cost the most this week (or, if none cost money, the most frequent bias). */
  habit: z.object({ label: BiasLabelSchema, text: z.string(), cost: z.string() }).nullable(),
  reflection: z.string().nullable(),
  /**
   * Rules whose thresholds personalisation moved when this digest was built (once a week, from 30
   * trades on); the user's trades are being re-tagged with them. See `GET /api/rules` for why.
   */
  personalisedRules: z.array(RuleKindSchema),
  /** Label counts of the last 8 weeks (this one last), keyed by the week's local Monday. */
  history: z.array(z.object({ weekStart: z.string(), counts: z.record(z.string(), z.number()) })),
});
export type DigestPayload = z.infer<typeof DigestPayloadSchema>;

export const DigestDtoSchema = z.object({
  id: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  payload: DigestPayloadSchema,
});
export type DigestDto = z.infer<typeof DigestDtoSchema>;

/** 202 from `POST /api/digests/weekly`; `digest.ready` follows on the coach socket. */
export const DigestAcceptedSchema = z.object({
  jobId: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  firstDay: z.string(),
  lastDay: z.string(),
});
export type DigestAccepted = z.infer<typeof DigestAcceptedSchema>;
