import { z } from 'zod';
import {
  defineErrors,
  type BiasLabel,
  type TradeDetailDto,
  type TradeDto,
  type TradeListQuery,
} from '@tt/shared';
import type { Database, Executor } from '@tt/db';
import type { Cache } from '../../infra/cache';
import { toPositionDto } from '../positions';
import { createTradesPageCache } from './trades-page-cache';
import { decodeCursor, page } from '../../lib/cursor';
import {
  getTrade,
  insertTrades,
  listTrades,
  seriesFills,
  seriesOfImport,
  tradeDetailParts,
  userTradesChronological,
  type NewTrade,
  type TradeListRow,
} from './trades.repository';

export const TradeErrors = defineErrors('TRADES', { NOT_FOUND: [404, 'Trade not found'] });

export interface TradesService {
  /** `{ items: TradeDto[], nextCursor }` as JSON text, rendered once per query and data version. */
  list(userId: string, query: TradeListQuery): Promise<string>;
  /** Tells every reader that the user's trades, positions or tags changed (after the commit). */
  changed(userId: string): Promise<void>;
  detail(userId: string, tradeId: string): Promise<TradeDetailDto>;
  bias(userId: string, tradeId: string): Promise<{ items: TradeDetailDto['tags'] }>;
  /**
   * Stores normalised fills once each (a known `(broker, ext_id)` is a duplicate), in the caller's
   * transaction, so that the import run's counts commit with the rows they count.
   */
  store(
    tx: Executor,
    userId: string,
    importId: string | null,
    rows: NewTrade[],
  ): ReturnType<typeof insertTrades>;
  /** Every fill of one (user, broker, symbol) series, for pairing. */
  seriesFills(userId: string, broker: string, symbol: string): ReturnType<typeof seriesFills>;
  /** The series an import stored fills in, with the earliest fill of each. */
  seriesOfImport(userId: string, importId: string): ReturnType<typeof seriesOfImport>;
  /** Every trade of the user in time order, with only what scoring reads. */
  chronological(userId: string): ReturnType<typeof userTradesChronological>;
}

export function createTradesService(deps: { db: Database; cache: Cache }): TradesService {
  const pages = createTradesPageCache(deps.cache);
  const findOwn = async (userId: string, tradeId: string) => {
    const trade = z.uuid().safeParse(tradeId).success ? await getTrade(deps.db, userId, tradeId) : null;
    if (!trade) throw TradeErrors.NOT_FOUND();
    return trade;
  };

  const toDto = (r: TradeListRow): TradeDto => ({
    id: r.id,
    broker: r.broker,
    extId: r.extId,
    symbol: r.symbol,
    side: r.side as 'BUY' | 'SELL',
    qty: r.qty,
    price: r.price,
    fee: r.fee,
    feeAsset: r.feeAsset,
    feeQuote: r.feeQuote,
    ts: new Date(r.tsMs).toISOString(),
    source: r.source as 'api' | 'csv',
    labels: (r.labels?.split(',') ?? []).map((pair) => {
      const at = pair.lastIndexOf(':');
      return { label: pair.slice(0, at) as BiasLabel, confidence: Number(pair.slice(at + 1)) };
    }),
    pnlQuote: r.pnl,
    pnlPct: r.pnl != null && r.cost && Number(r.cost) !== 0 ? Number(r.pnl) / Number(r.cost) : null,
    heldHours: r.held,
  });

  return {
    async list(userId, query) {
      const filter = {
        since: query.since ? new Date(query.since) : undefined,
        until: query.until ? new Date(query.until) : undefined,
        symbol: query.symbol,
        side: query.side,
        label: query.label,
        before: decodeCursor(query.cursor),
        limit: query.limit,
      };
      return pages.page(userId, JSON.stringify(filter), async () => {
        const rows = await listTrades(deps.db, userId, filter);
        return JSON.stringify(page(rows, query.limit, (r) => ({ ts: new Date(r.tsMs), id: r.id }), toDto));
      });
    },
    changed: (userId) => pages.changed(userId),
    async detail(userId, tradeId) {
      const trade = await findOwn(userId, tradeId);
      const [row] = await listTrades(deps.db, userId, { id: trade.id, limit: 1 });
      const dto = toDto(row!);
      const parts = await tradeDetailParts(deps.db, trade.id);
      const tags = parts.tags
        .sort((a, b) => b.confidence - a.confidence)
        .map((t) => ({
          label: t.label as BiasLabel,
          confidence: t.confidence,
          reasons: t.reasons as string[],
          features: t.features as TradeDetailDto['features'] & object,
        }));
      return {
        ...dto,
        meta: trade.meta as Record<string, unknown>,
        positions: parts.lots.map(toPositionDto),
        tags,
        features: tags[0]?.features ?? null,
        reflections: parts.reflections.map((r) => ({
          id: r.id,
          label: r.label,
          tone: r.tone,
          text: r.text,
          feedback: (r.feedback as 'up' | 'down' | null) ?? null,
          createdAt: r.createdAt.toISOString(),
        })),
        notes: parts.notes.map((n) => ({ id: n.id, text: n.text, createdAt: n.createdAt.toISOString() })),
      };
    },
    async bias(userId, tradeId) {
      const detail = await this.detail(userId, tradeId);
      return { items: detail.tags };
    },
    store: insertTrades,
    seriesFills: (userId, broker, symbol) => seriesFills(deps.db, userId, broker, symbol),
    seriesOfImport: (userId, importId) => seriesOfImport(deps.db, userId, importId),
    chronological: (userId) => userTradesChronological(deps.db, userId),
  };
}
