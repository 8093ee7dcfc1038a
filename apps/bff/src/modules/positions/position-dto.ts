import type { PositionDto } from '@tt/shared';
import type { positions } from '@tt/db';

/** A stored lot as the API shows it (`/api/positions`, the positions of a trade's detail). */
export function toPositionDto(lot: typeof positions.$inferSelect): PositionDto {
  return {
    id: lot.id,
    broker: lot.broker,
    symbol: lot.symbol,
    entryTradeId: lot.entryTradeId,
    exitTradeId: lot.exitTradeId,
    qty: lot.qty,
    entryPrice: lot.entryPrice,
    exitPrice: lot.exitPrice,
    entryFee: lot.entryFee,
    exitFee: lot.exitFee,
    entryTs: lot.entryTs.toISOString(),
    exitTs: lot.exitTs?.toISOString() ?? null,
    heldHours: lot.heldHours,
    pnlQuote: lot.pnlQuote,
    pnlPct: lot.pnlPct,
    mae: lot.mae,
    mfe: lot.mfe,
  };
}
