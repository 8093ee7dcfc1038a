import { z } from 'zod';
import { BiasLabelSchema } from './ml';

/** Blueprint §4 SimulationRequest, plus the knobs of the three counterfactuals. */
export const SimulationRequestSchema = z
  .object({
    tradeId: z.string().optional(),
    symbol: z
      .string()
      .regex(/^[A-Za-z0-9]+-[A-Za-z0-9]+$/, 'expected BASE-QUOTE')
      .transform((s) => s.toUpperCase())
      .optional(),
    horizonDays: z.number().min(1).max(30),
    /** Wait-then-enter: how far below the entry (the spike) to wait for; default 2 %. */
    pullbackPct: z.number().positive().max(0.5).default(0.02),
    /** Skip-the-tagged-trades: which label to leave out; default the trade's strongest tag. */
    skipLabel: BiasLabelSchema.optional(),
  })
  .refine((x) => !!(x.tradeId || x.symbol), { message: 'tradeId or symbol required', path: ['tradeId'] });
export type SimulationRequest = z.input<typeof SimulationRequestSchema>;

export const SimulationPointSchema = z.object({
  ts: z.string(),
  /** Value of the actual path in the quote currency (P&L so far, fees included). */
  actual: z.number(),
  counterfactual: z.number(),
});

/** Money as exact decimal strings; returns as fractions of cost. */
export const ScenarioResultSchema = z.object({
  kind: z.enum(['holdVsActual', 'waitThenEnter', 'skipLabel']),
  title: z.string(),
  actualPnl: z.string(),
  actualReturn: z.number().nullable(),
  counterfactualPnl: z.string(),
  counterfactualReturn: z.number().nullable(),
  /** counterfactual − actual: what the habit cost (negative) or earned (positive). */
  difference: z.string(),
  feesIncluded: z.boolean(),
  /** In plain words: what was simulated and any caveat (e.g. the pullback never came). */
  explanation: z.string(),
  series: z.array(SimulationPointSchema),
});
export type ScenarioResult = z.infer<typeof ScenarioResultSchema>;

export const SimulationResultSchema = z.object({
  request: z.object({
    tradeId: z.string().nullable(),
    symbol: z.string(),
    horizonDays: z.number(),
    pullbackPct: z.number(),
    skipLabel: BiasLabelSchema.nullable(),
  }),
  quoteCurrency: z.string(),
  trades: z.number().int(),
  scenarios: z.array(ScenarioResultSchema),
  cached: z.boolean(),
  computedAt: z.string(),
});
export type SimulationResult = z.infer<typeof SimulationResultSchema>;
