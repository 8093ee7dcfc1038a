import {
  doublePrecision,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, decimal, id, tstz } from './columns';
import { users } from './users';

export const trades = pgTable(
  'trades',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    broker: text('broker').notNull(),
    extId: text('ext_id').notNull(),
    orderId: text('order_id'),
    symbol: text('symbol').notNull(),
    side: text('side').notNull(),
    qty: decimal('qty').notNull(),
    price: decimal('price').notNull(),
    /** Fee as charged, in its own asset. */
    fee: decimal('fee').notNull().default('0'),
    feeAsset: text('fee_asset'),
    /** Fee converted to the quote currency (the conversion is recorded in meta). */
    feeQuote: decimal('fee_quote').notNull().default('0'),
    ts: tstz('ts').notNull(),
    source: text('source').notNull().default('api'),
    meta: jsonb('meta').notNull().default({}),
    importId: uuid('import_id'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('trades_user_broker_ext_uq').on(t.userId, t.broker, t.extId),
    index('trades_user_ts_idx').on(t.userId, t.ts, t.id),
    index('trades_user_symbol_ts_idx').on(t.userId, t.symbol, t.ts),
  ],
);

/** One FIFO match of an entry lot against an exit (or the still-open remainder of an entry). */
export const positions = pgTable(
  'positions',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    broker: text('broker').notNull(),
    symbol: text('symbol').notNull(),
    direction: text('direction').notNull().default('LONG'),
    entryTradeId: uuid('entry_trade_id').notNull(),
    exitTradeId: uuid('exit_trade_id'),
    qty: decimal('qty').notNull(),
    entryPrice: decimal('entry_price').notNull(),
    exitPrice: decimal('exit_price'),
    entryFee: decimal('entry_fee').notNull(),
    exitFee: decimal('exit_fee'),
    entryTs: tstz('entry_ts').notNull(),
    exitTs: tstz('exit_ts'),
    heldHours: doublePrecision('held_hours'),
    pnlQuote: decimal('pnl_quote'),
    pnlPct: doublePrecision('pnl_pct'),
    mae: doublePrecision('mae'),
    mfe: doublePrecision('mfe'),
    createdAt: createdAt(),
  },
  (t) => [
    index('positions_user_symbol_idx').on(t.userId, t.broker, t.symbol, t.entryTs),
    index('positions_exit_trade_idx').on(t.exitTradeId),
    index('positions_entry_trade_idx').on(t.entryTradeId),
  ],
);

export const biasTags = pgTable(
  'bias_tags',
  {
    id: id(),
    tradeId: uuid('trade_id')
      .notNull()
      .references(() => trades.id, { onDelete: 'cascade' }),
    /** The trade's owner, for per-user queries; the trade's cascade already removes the row with the user. */
    userId: uuid('user_id').notNull(),
    label: text('label').notNull(),
    confidence: doublePrecision('confidence').notNull(),
    reasons: jsonb('reasons').notNull().default([]),
    features: jsonb('features').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('bias_tags_trade_label_uq').on(t.tradeId, t.label),
    index('bias_tags_user_label_idx').on(t.userId, t.label),
  ],
);

export const reflections = pgTable(
  'reflections',
  {
    id: id(),
    /** As on bias_tags: the trade's cascade removes it, so no second foreign-key check per row. */
    userId: uuid('user_id').notNull(),
    tradeId: uuid('trade_id')
      .notNull()
      .references(() => trades.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    tone: text('tone').notNull(),
    text: text('text').notNull(),
    source: text('source').notNull(),
    feedback: text('feedback'),
    createdAt: createdAt(),
  },
  (t) => [index('reflections_trade_idx').on(t.tradeId, t.createdAt)],
);

export const notes = pgTable(
  'notes',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tradeId: uuid('trade_id')
      .notNull()
      .references(() => trades.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('notes_trade_idx').on(t.tradeId, t.createdAt)],
);

/** Hourly candles shared by every user; closed candles never change, so they are fetched once. */
export const candles = pgTable(
  'candles',
  {
    source: text('source').notNull(),
    symbol: text('symbol').notNull(),
    ts: tstz('ts').notNull(),
    open: decimal('open').notNull(),
    high: decimal('high').notNull(),
    low: decimal('low').notNull(),
    close: decimal('close').notNull(),
    volume: decimal('volume').notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.symbol, t.ts] })],
);

/** Which hours of a series have been fetched, and which of them the source had no candle for. */
export const candleCoverage = pgTable(
  'candle_coverage',
  {
    source: text('source').notNull(),
    symbol: text('symbol').notNull(),
    coveredFrom: tstz('covered_from').notNull(),
    coveredTo: tstz('covered_to').notNull(),
    gapHours: jsonb('gap_hours').notNull().default([]),
    /** Who served the candles of this series: the broker itself, or the market-data vendor standing in. */
    provider: text('provider').notNull().default('broker'),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.source, t.symbol] })],
);
