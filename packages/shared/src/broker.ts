import { z } from 'zod';

/** The exchanges we import from. */
export const BrokerIdSchema = z.enum(['coinbase', 'binance']);
export type BrokerId = z.infer<typeof BrokerIdSchema>;

/**
 * An exact decimal as a string (`"0.00123"`, `"-1.5"`): money and quantities never pass through
 * a JS float on the way to storage.
 */
export const BrokerDecimalSchema = z.string().regex(/^-?\d+(\.\d+)?$/, 'Expected a decimal string');
const PositiveDecimalSchema = BrokerDecimalSchema.refine((s) => !s.startsWith('-') && /[1-9]/.test(s), {
  message: 'Expected a positive decimal string',
});

/** `BASE-QUOTE` in upper case, e.g. `BTC-USD`, `ETH-USDT`. */
export const BrokerSymbolSchema = z
  .string()
  .regex(/^[A-Z0-9]+-[A-Z0-9]+$/, 'Expected BASE-QUOTE in upper case');

/**
 * One execution as a broker reports it, normalised but not yet paired or enriched.
 * `extId` is unique per (user, broker): Coinbase uses the fill's `trade_id` (also the `trade id`
 * column of Coinbase's fills export); Binance uses `${symbol}:${id}` with the exchange symbol
 * (`BTCUSDT:12345`). CSV exports without a trade id get a `csv:` extId (see @tt/adapters README).
 */
export const RawFillSchema = z.object({
  broker: BrokerIdSchema,
  extId: z.string().min(1).max(200),
  orderId: z.string().min(1).max(200).optional(),
  symbol: BrokerSymbolSchema,
  side: z.enum(['BUY', 'SELL']),
  qty: PositiveDecimalSchema,
  price: PositiveDecimalSchema,
  /** May be negative for a maker rebate. */
  fee: BrokerDecimalSchema,
  feeAsset: z.string().regex(/^[A-Z0-9]+$/),
  /** ISO-8601 UTC; milliseconds, or microseconds when the exchange reports them. */
  ts: z.iso.datetime(),
  isMaker: z.boolean().optional(),
  source: z.enum(['api', 'csv']),
});
export type RawFill = z.infer<typeof RawFillSchema>;

/** One hourly candle; `ts` is the candle's open time. Hours without trades are absent, not zero-filled. */
export const CandleSchema = z.object({
  ts: z.iso.datetime(),
  open: BrokerDecimalSchema,
  high: BrokerDecimalSchema,
  low: BrokerDecimalSchema,
  close: BrokerDecimalSchema,
  volume: BrokerDecimalSchema,
});
export type Candle = z.infer<typeof CandleSchema>;

export const BrokerConnectionStatusSchema = z.enum(['active', 'paused', 'revoked', 'error']);
export type BrokerConnectionStatus = z.infer<typeof BrokerConnectionStatusSchema>;

/** A broker connection as `GET /api/brokers` lists it. Never carries a token, key or secret. */
export const BrokerConnectionDtoSchema = z.object({
  broker: BrokerIdSchema,
  status: BrokerConnectionStatusSchema,
  scopes: z.array(z.string()),
  lastSyncAt: z.iso.datetime().nullable(),
  /** The last failure, safe to show the trader (`code` such as `BROKER.TOKEN_REVOKED`). */
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.iso.datetime(),
});
export type BrokerConnectionDto = z.infer<typeof BrokerConnectionDtoSchema>;

/** `POST /api/brokers/coinbase/connect/start`: OAuth takes no input. */
export const OAuthConnectStartRequestSchema = z.object({}).strict();
/** `POST /api/brokers/binance/connect/start`: the read-only API key and its secret. */
export const ApiKeyConnectStartRequestSchema = z
  .object({
    apiKey: z.string().trim().min(8).max(256),
    apiSecret: z.string().trim().min(8).max(256),
  })
  .strict();
export const ConnectStartRequestSchema = z.union([
  ApiKeyConnectStartRequestSchema,
  OAuthConnectStartRequestSchema,
]);
export type ConnectStartRequest = z.infer<typeof ConnectStartRequestSchema>;

/** OAuth: where to send the browser, and the `state` that will come back. */
export const OAuthConnectStartResponseSchema = z.object({ url: z.url(), state: z.string().min(16) });
/** OAuth answers `{ url, state }`; an API key connects at once and answers the connection. */
export const ConnectStartResponseSchema = z.union([
  OAuthConnectStartResponseSchema,
  BrokerConnectionDtoSchema,
]);
export type ConnectStartResponse = z.infer<typeof ConnectStartResponseSchema>;
