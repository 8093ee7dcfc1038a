import { z } from 'zod';
import { BiasLabelSchema } from './ml';

/** `import.progress`: where an import stands; sent as each phase advances. */
export const ImportPhaseSchema = z.enum([
  'queued',
  'fetching',
  'candles',
  'pairing',
  'scoring',
  'done',
  'failed',
]);
export type ImportPhase = z.infer<typeof ImportPhaseSchema>;
export const ImportStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed']);
export type ImportStatus = z.infer<typeof ImportStatusSchema>;

export const ImportProgressSchema = z.object({
  importId: z.string(),
  status: ImportStatusSchema,
  phase: ImportPhaseSchema,
  fetched: z.number().int(),
  inserted: z.number().int(),
  duplicates: z.number().int(),
  scored: z.number().int(),
  /** Trades this import has to score, once known; the progress bar's denominator. */
  toScore: z.number().int().nullable(),
  error: z.string().optional(),
});
export type ImportProgress = z.infer<typeof ImportProgressSchema>;

/** `coach.reflect`: a trade was tagged; the labels and the coach's reflection (blueprint §4 CoachEvent). */
export const CoachReflectSchema = z.object({
  tradeId: z.string(),
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  /** When the trade happened (the envelope's `ts` is when the event was raised). */
  tradeTs: z.string(),
  labels: z.array(z.object({ name: BiasLabelSchema, confidence: z.number() })),
  insight: z.string().optional(),
  tone: z.enum(['supportive', 'strict']).optional(),
  /** Hourly closes around the trade, for a small inline chart. */
  sparklines: z.array(z.number()).optional(),
});
export type CoachReflect = z.infer<typeof CoachReflectSchema>;

export const DigestReadySchema = z.object({
  digestId: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
});
export type DigestReady = z.infer<typeof DigestReadySchema>;

export const COACH_EVENT_TYPES = ['coach.reflect', 'import.progress', 'digest.ready'] as const;
export const CoachEventTypeSchema = z.enum(COACH_EVENT_TYPES);
export type CoachEventType = z.infer<typeof CoachEventTypeSchema>;

export interface CoachEventPayloads {
  'coach.reflect': CoachReflect;
  'import.progress': ImportProgress;
  'digest.ready': DigestReady;
}

/** What every server message on /ws/coach carries besides its type's fields (DESIGN §5). */
export const CoachEventEnvelopeSchema = z.object({
  id: z.string(),
  type: CoachEventTypeSchema,
  ts: z.string(),
  synced: z.boolean().optional(),
});
export type CoachEventEnvelope = z.infer<typeof CoachEventEnvelopeSchema>;
export type CoachEvent = {
  [T in CoachEventType]: CoachEventEnvelope & { type: T } & CoachEventPayloads[T];
}[CoachEventType];

/** Largest trade-history export `POST /api/imports/csv` takes (the web app checks before sending). */
export const CSV_UPLOAD_MAX_BYTES = 5 * 1024 * 1024;

/** `GET /api/imports/:id` (DESIGN §5a); `succeeded` means every imported trade is stored and tagged. */
export const ImportDtoSchema = z.object({
  id: z.string(),
  jobId: z.string(),
  kind: z.enum(['api', 'csv']),
  status: ImportStatusSchema,
  phase: ImportPhaseSchema,
  fetched: z.number().int(),
  inserted: z.number().int(),
  duplicates: z.number().int(),
  scored: z.number().int(),
  since: z.string(),
  until: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().optional(),
});
export type ImportDto = z.infer<typeof ImportDtoSchema>;

/** `POST /api/trades/import` answers 202 with this. */
export const ImportAcceptedSchema = z.object({
  jobId: z.string(),
  importId: z.string(),
  status: ImportStatusSchema,
});
export type ImportAccepted = z.infer<typeof ImportAcceptedSchema>;
