import { z } from 'zod';

/** Twelve Data prints every number as a string; a bare JSON number would already have lost digits. */
export const TwelveDataBarSchema = z.object({
  /** `YYYY-MM-DD HH:mm:ss` in the requested time zone (we always ask for UTC). */
  datetime: z.string(),
  open: z.string(),
  high: z.string(),
  low: z.string(),
  close: z.string(),
  /** Absent for sources that report no volume. */
  volume: z.string().optional(),
});
export type TwelveDataBar = z.infer<typeof TwelveDataBarSchema>;

export const TwelveDataSeriesSchema = z.object({
  status: z.literal('ok'),
  meta: z.object({ symbol: z.string(), interval: z.string() }),
  values: z.array(TwelveDataBarSchema),
});

/** `code` repeats the HTTP status, except where Twelve Data answers an error with HTTP 200. */
export const TwelveDataErrorSchema = z.object({
  status: z.literal('error'),
  code: z.number().int(),
  message: z.string(),
});
