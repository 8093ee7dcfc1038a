import {
  ImportAcceptedSchema,
  ImportDtoSchema,
  MlCandleSchema,
  TradeDetailDtoSchema,
  TradeDtoSchema,
  pageSchema,
} from '@tt/shared';
import { z } from 'zod';
import { request } from './http';

const TradePageSchema = pageSchema(TradeDtoSchema);
const ImportPageSchema = pageSchema(ImportDtoSchema);

/** Trades per page: the API's maximum, so 10,000 trades take 20 requests while the trader scrolls. */
export const TRADE_PAGE_SIZE = 500;

export const tradesApi = {
  list: (query: Record<string, string>, cursor: string | undefined, signal?: AbortSignal) =>
    request('/api/trades', {
      query: { ...query, cursor, limit: TRADE_PAGE_SIZE },
      schema: TradePageSchema,
      signal,
    }),
  detail: (id: string) => request(`/api/trades/${encodeURIComponent(id)}`, { schema: TradeDetailDtoSchema }),
  startImport: (since?: string) =>
    request('/api/trades/import', {
      method: 'POST',
      json: since ? { since } : {},
      schema: ImportAcceptedSchema,
      idempotent: true,
    }),
  importRun: (id: string) => request(`/api/imports/${encodeURIComponent(id)}`, { schema: ImportDtoSchema }),
  imports: () => request('/api/imports', { query: { limit: 5 }, schema: ImportPageSchema }),
};

/** `GET /api/market/candles` answers the stored hourly candles as numbers (the ML service's candle shape). */
const CandleListSchema = z.object({ items: z.array(MlCandleSchema) });

export const marketApi = {
  /** Stored hourly candles (what imports fetched); never a call to the exchange. */
  candles: (query: { broker: string; symbol: string; from: string; to: string }) =>
    request('/api/market/candles', { query, schema: CandleListSchema }),
};
