import { z } from 'zod';

/** One element of `fills` in GET /api/v3/brokerage/orders/historical/fills (fields we read). */
export const CoinbaseFillSchema = z.object({
  entry_id: z.string().optional(),
  trade_id: z.string().min(1),
  order_id: z.string().optional(),
  trade_time: z.string(),
  trade_type: z.string(),
  price: z.string(),
  size: z.string(),
  commission: z.string(),
  product_id: z.string(),
  sequence_timestamp: z.string().optional(),
  liquidity_indicator: z.string().optional(),
  size_in_quote: z.boolean().optional(),
  side: z.string(),
});
export type CoinbaseFill = z.infer<typeof CoinbaseFillSchema>;

export const CoinbaseFillsPageSchema = z.object({
  fills: z.array(z.unknown()),
  /** Empty string on the last page. */
  cursor: z.string().optional(),
});

/** GET /api/v3/brokerage/products/{product_id}/candles: newest first, `start` in unix seconds. */
export const CoinbaseCandlesSchema = z.object({
  candles: z.array(
    z.object({
      start: z.string().regex(/^\d+$/),
      low: z.string(),
      high: z.string(),
      open: z.string(),
      close: z.string(),
      volume: z.string(),
    }),
  ),
});

/** POST /oauth2/token answer for both grants. */
export const CoinbaseTokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

/** OAuth error body (RFC 6749 §5.2), and Advanced Trade's `{ error, message }`. */
export const CoinbaseErrorBodySchema = z.object({
  error: z.string().optional(),
  error_description: z.string().optional(),
  message: z.string().optional(),
});
