import { z } from 'zod';
import { BiasLabelSchema } from './ml';

/**
 * `POST /api/simulations/simple` (blueprint §4 SimulationRequest, plus the knobs of the three
 * counterfactuals). With `tradeId` the position(s) that trade opened or closed are simulated; with
 * only `symbol`, every position of the user in that symbol together.
 */
export const SimulationRequestSchema = z
  .object({
    tradeId: z.string().optional(),
    symbol: z
      .string()
      .regex(/^[A-Za-z0-9]+-[A-Za-z0-9]+$/, 'expected BASE-QUOTE')
      .transform((s) => s.toUpperCase())
      .optional(),
    /** Days after each entry at which the counterfactuals sell (fractions allowed). */
    horizonDays: z.number().min(1).max(30),
    /** Wait-then-enter: how far below the entry (the spike) to wait for; default 2 %. */
    pullbackPct: z.number().positive().max(0.5).default(0.02),
    /** Skip-the-tagged-trades: which label to leave out; default the trade's strongest tag. */
    skipLabel: BiasLabelSchema.optional(),
  })
  .refine((x) => !!(x.tradeId || x.symbol), { message: 'tradeId or symbol required', path: ['tradeId'] });
export type SimulationRequest = z.input<typeof SimulationRequestSchema>;

/**
 * One point of a chart: both paths valued at the close of an hourly candle (`ts` is that close),
 * open positions marked at it with the exit fee they would pay. Hourly; over ranges longer than
 * 90 days every k-th hour (the last hour always included).
 */
export const SimulationPointSchema = z.object({
  ts: z.string(),
  /** Value of the actual path in the quote currency (P&L so far, fees included). */
  actual: z.number(),
  counterfactual: z.number(),
});

/** Money as exact decimal strings; returns as fractions of the capital each path put in. */
export const ScenarioResultSchema = z.object({
  kind: z.enum(['holdVsActual', 'waitThenEnter', 'skipLabel']),
  title: z.string(),
  actualPnl: z.string(),
  actualReturn: z.number().nullable(),
  counterfactualPnl: z.string(),
  /** Null when the counterfactual put no money in (the pullback never came, every position skipped). */
  counterfactualReturn: z.number().nullable(),
  /** counterfactual − actual: what the habit cost (positive: the alternative would have earned more). */
  difference: z.string(),
  feesIncluded: z.boolean(),
  /** In plain words: what was simulated and any caveat (e.g. the pullback never came). */
  explanation: z.string(),
  /** Positions (FIFO lots) this scenario covers. */
  positions: z.number().int(),
  series: z.array(SimulationPointSchema),
});
export type ScenarioResult = z.infer<typeof ScenarioResultSchema>;

export const SimulationResultSchema = z.object({
  /** The stored simulation; `GET /api/simulations/:id` answers it again while it is cached. */
  id: z.string(),
  request: z.object({
    tradeId: z.string().nullable(),
    symbol: z.string(),
    horizonDays: z.number(),
    pullbackPct: z.number(),
    /** The label actually left out (the default resolved), or null when there was none to leave out. */
    skipLabel: BiasLabelSchema.nullable(),
  }),
  quoteCurrency: z.string(),
  /** Fills taking part in the simulated positions. */
  trades: z.number().int(),
  /**
   * Symbol-wide requests only: positions left out of hold and wait because their horizon has not
   * passed yet (or prices stop before it); always 0 for a single trade, which answers 422 instead.
   */
  excludedPositions: z.number().int(),
  scenarios: z.array(ScenarioResultSchema),
  cached: z.boolean(),
  computedAt: z.string(),
});
export type SimulationResult = z.infer<typeof SimulationResultSchema>;

/**
 * 202 from `POST /api/simulations/simple` when the simulation runs in `q_sim` (symbol-wide over
 * many positions), and from `GET /api/simulations/:id` until it is done; poll `pollUrl`.
 */
export const SimulationAcceptedSchema = z.object({
  id: z.string(),
  status: z.enum(['queued', 'running']),
  pollUrl: z.string(),
});
export type SimulationAccepted = z.infer<typeof SimulationAcceptedSchema>;
