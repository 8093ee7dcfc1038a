import { z } from 'zod';

/** Binance's error body: `{ "code": -1021, "msg": "Timestamp for this request is outside of the recvWindow." }`. */
export const BinanceErrorBodySchema = z.object({ code: z.number(), msg: z.string().optional() });

export const BinanceTimeSchema = z.object({ serverTime: z.number() });

export const BinanceExchangeInfoSchema = z.object({
  rateLimits: z
    .array(
      z.object({
        rateLimitType: z.string(),
        interval: z.string(),
        intervalNum: z.number(),
        limit: z.number(),
      }),
    )
    .optional(),
  symbols: z.array(
    z.object({
      symbol: z.string(),
      status: z.string().optional(),
      baseAsset: z.string(),
      quoteAsset: z.string(),
    }),
  ),
});

export const BinanceAccountSchema = z.object({
  balances: z.array(z.object({ asset: z.string(), free: z.string(), locked: z.string() })),
});

/** GET /api/v3/myTrades row. */
export const BinanceTradeSchema = z.object({
  symbol: z.string(),
  id: z.number().int(),
  orderId: z.number().int(),
  price: z.string(),
  qty: z.string(),
  commission: z.string(),
  commissionAsset: z.string(),
  time: z.number().int(),
  isBuyer: z.boolean(),
  isMaker: z.boolean(),
});
export type BinanceTrade = z.infer<typeof BinanceTradeSchema>;

/** GET /sapi/v1/account/apiRestrictions. Flags absent on older keys count as false. */
export const BinanceApiRestrictionsSchema = z.object({
  ipRestrict: z.boolean().optional(),
  enableReading: z.boolean().optional(),
  enableSpotAndMarginTrading: z.boolean().optional(),
  enableWithdrawals: z.boolean().optional(),
  enableInternalTransfer: z.boolean().optional(),
  enableMargin: z.boolean().optional(),
  enableFutures: z.boolean().optional(),
  permitsUniversalTransfer: z.boolean().optional(),
  enableVanillaOptions: z.boolean().optional(),
  enablePortfolioMarginTrading: z.boolean().optional(),
  enableFixApiTrade: z.boolean().optional(),
});

/** GET /api/v3/klines row: [openTime, open, high, low, close, volume, closeTime, …]. */
export const BinanceKlineSchema = z
  .tuple([z.number(), z.string(), z.string(), z.string(), z.string(), z.string()])
  .rest(z.unknown());
