import { z } from 'zod';

/** Validates a stored SyncState before it is handed back to an adapter. */
export const SyncStateSchema = z.discriminatedUnion('broker', [
  z.object({
    broker: z.literal('coinbase'),
    newestSequenceTimestamp: z.iso.datetime().optional(),
    newestTradeTime: z.iso.datetime().optional(),
  }),
  z.object({
    broker: z.literal('binance'),
    lastIds: z.record(z.string().regex(/^[A-Z0-9]+$/), z.number().int().nonnegative()),
  }),
]);
