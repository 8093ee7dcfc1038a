import { z } from 'zod';
import { BiasFeaturesSchema, BiasLabelSchema } from './ml';

export const BiasTagDtoSchema = z.object({
  label: BiasLabelSchema,
  confidence: z.number().min(0).max(1),
  reasons: z.array(z.string()),
  features: BiasFeaturesSchema,
});
export type BiasTagDto = z.infer<typeof BiasTagDtoSchema>;

/** A fill as the trades list shows it; decimals stay strings (exact). */
export const TradeDtoSchema = z.object({
  id: z.string(),
  broker: z.string(),
  extId: z.string(),
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  qty: z.string(),
  price: z.string(),
  fee: z.string(),
  feeAsset: z.string().nullable(),
  feeQuote: z.string(),
  ts: z.string(),
  source: z.enum(['api', 'csv']),
  labels: z.array(z.object({ label: BiasLabelSchema, confidence: z.number() })),
  /** Exits: realised P&L in the quote currency after fees, summed over the FIFO lots. */
  pnlQuote: z.string().nullable(),
  pnlPct: z.number().nullable(),
  heldHours: z.number().nullable(),
});
export type TradeDto = z.infer<typeof TradeDtoSchema>;

export const PositionDtoSchema = z.object({
  id: z.string(),
  broker: z.string(),
  symbol: z.string(),
  entryTradeId: z.string(),
  exitTradeId: z.string().nullable(),
  qty: z.string(),
  entryPrice: z.string(),
  exitPrice: z.string().nullable(),
  entryFee: z.string(),
  exitFee: z.string().nullable(),
  entryTs: z.string(),
  exitTs: z.string().nullable(),
  heldHours: z.number().nullable(),
  pnlQuote: z.string().nullable(),
  pnlPct: z.number().nullable(),
  mae: z.number().nullable(),
  mfe: z.number().nullable(),
});
export type PositionDto = z.infer<typeof PositionDtoSchema>;

export const ReflectionDtoSchema = z.object({
  id: z.string(),
  label: z.string(),
  tone: z.string(),
  text: z.string(),
  feedback: z.enum(['up', 'down']).nullable(),
  createdAt: z.string(),
});
export const NoteDtoSchema = z.object({ id: z.string(), text: z.string(), createdAt: z.string() });

export const TradeDetailDtoSchema = TradeDtoSchema.extend({
  meta: z.record(z.string(), z.unknown()),
  positions: z.array(PositionDtoSchema),
  tags: z.array(BiasTagDtoSchema),
  features: BiasFeaturesSchema.nullable(),
  reflections: z.array(ReflectionDtoSchema),
  notes: z.array(NoteDtoSchema),
});
export type TradeDetailDto = z.infer<typeof TradeDetailDtoSchema>;

export const TradeListQuerySchema = z.object({
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  symbol: z
    .string()
    .regex(/^[A-Za-z0-9]+-[A-Za-z0-9]+$/)
    .transform((s) => s.toUpperCase())
    .optional(),
  side: z.enum(['BUY', 'SELL']).optional(),
  label: BiasLabelSchema.optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type TradeListQuery = z.infer<typeof TradeListQuerySchema>;
