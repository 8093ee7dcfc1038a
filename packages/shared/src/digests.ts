import { z } from 'zod';
import { BiasLabelSchema } from './ml';

export const LabelWeekSchema = z.object({
  label: BiasLabelSchema,
  count: z.number().int(),
  previousWeekCount: z.number().int(),
  /** Realised P&L of the positions touched by trades with this label (negative: what it cost). */
  pnl: z.string(),
});

/** The weekly digest (issue 9): stored as the payload of `digests`, served as is. */
export const DigestPayloadSchema = z.object({
  periodStart: z.string(),
  periodEnd: z.string(),
  timeZone: z.string(),
  trades: z.number().int(),
  closedPositions: z.number().int(),
  winRate: z.number().nullable(),
  pnl: z.string(),
  expectancy: z.string().nullable(),
  profitFactor: z.number().nullable(),
  labels: z.array(LabelWeekSchema),
  /** Odean (1998): PGR − PLR; positive means gains are realised more readily than losses. */
  dispositionEffect: z
    .object({ pgr: z.number().nullable(), plr: z.number().nullable(), difference: z.number().nullable() })
    .nullable(),
  best: z.object({ tradeId: z.string(), symbol: z.string(), pnl: z.string() }).nullable(),
  worst: z.object({ tradeId: z.string(), symbol: z.string(), pnl: z.string() }).nullable(),
  habit: z.object({ label: BiasLabelSchema, text: z.string() }).nullable(),
  reflection: z.string().nullable(),
  /** Label counts of the last weeks, oldest first, for the chart. */
  history: z.array(z.object({ weekStart: z.string(), counts: z.record(z.string(), z.number()) })),
});
export type DigestPayload = z.infer<typeof DigestPayloadSchema>;

export const DigestDtoSchema = z.object({
  id: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  createdAt: z.string(),
  payload: DigestPayloadSchema,
});
export type DigestDto = z.infer<typeof DigestDtoSchema>;
