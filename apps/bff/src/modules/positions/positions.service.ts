import type { Database } from '@tt/db';
import type { MarketDataService } from '../market-data';
import type { TradesService } from '../trades';
import { seriesFills } from '../trades/trades.repository';
import { pairFifo } from './pair-fifo';
import { replaceSeriesPositions } from './positions.repository';
import { excursions } from './excursions';

export interface SeriesKey {
  userId: string;
  broker: string;
  symbol: string;
}

export interface PositionsService {
  /** Re-pairs a whole series FIFO (idempotent) and stores its lots with MAE/MFE. */
  repairSeries(key: SeriesKey): Promise<{ lots: number; unmatchedExits: number }>;
}

export function createPositionsService(deps: {
  db: Database;
  marketData: MarketDataService;
  trades: Pick<TradesService, 'changed'>;
  now?: () => Date;
}): PositionsService {
  const now = deps.now ?? (() => new Date());
  return {
    async repairSeries(key) {
      const fills = await seriesFills(deps.db, key.userId, key.broker, key.symbol);
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
