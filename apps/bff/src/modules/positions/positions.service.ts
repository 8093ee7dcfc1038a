import type { Page, PositionDto } from '@tt/shared';
import type { Database } from '@tt/db';
import type { MarketDataService } from '../market-data';
import type { TradesService } from '../trades';
import { decodeCursor, page } from '../../lib/cursor';
import { pairFifo } from './pair-fifo';
import { closedLots, listPositions, replaceSeriesPositions } from './positions.repository';
import { excursions } from './excursions';
import { toPositionDto } from './position-dto';

export interface SeriesKey {
  userId: string;
  broker: string;
  symbol: string;
}

export interface PositionQuery {
  symbol?: string | undefined;
  status?: 'open' | 'closed' | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface PositionsService {
  /** Re-pairs a whole series FIFO (idempotent) and stores its lots with MAE/MFE. */
  repairSeries(key: SeriesKey): Promise<{ lots: number; unmatchedExits: number }>;
  /** The user's lots, newest entry first, a keyset page at a time. */
  list(userId: string, query: PositionQuery): Promise<Page<PositionDto>>;
  /** Every closed lot of a user, for the exit features (held time, P&L, stop check). */
  closedLots(userId: string): ReturnType<typeof closedLots>;
}

export function createPositionsService(deps: {
  db: Database;
  marketData: MarketDataService;
  trades: Pick<TradesService, 'changed' | 'seriesFills'>;
  now?: () => Date;
}): PositionsService {
  const now = deps.now ?? (() => new Date());
  return {
    async list(userId, query) {
      const rows = await listPositions(deps.db, userId, {
        symbol: query.symbol?.toUpperCase(),
        status: query.status,
        before: decodeCursor(query.cursor),
        limit: query.limit,
      });
      return page(rows, query.limit, (r) => ({ ts: r.entryTs, id: r.id }), toPositionDto);
    },
    closedLots: (userId) => closedLots(deps.db, userId),
    async repairSeries(key) {
      const fills = await deps.trades.seriesFills(key.userId, key.broker, key.symbol);
      const { lots, unmatchedExits } = pairFifo(fills.map((f) => ({ ...f, side: f.side as 'BUY' | 'SELL' })));
      const first = lots.reduce((min, l) => Math.min(min, l.entryTs.getTime()), Infinity);
      const candles = Number.isFinite(first)
        ? await deps.marketData.series(key.broker, key.symbol, new Date(first), now())
        : [];
      const stored = lots.map((lot) => ({
        ...lot,
        ...excursions(candles, Number(lot.entryPrice), lot.entryTs, lot.exitTs, now()),
      }));
      await deps.db.transaction((tx) => replaceSeriesPositions(tx, key, stored));
      await deps.trades.changed(key.userId);
      return { lots: stored.length, unmatchedExits: unmatchedExits.length };
    },
  };
}
