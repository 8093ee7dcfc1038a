import type { RawFill } from '@tt/shared';
import { isPositiveDecimal, normalizeDecimal } from '../core/decimal';
import { epochMsToIso } from '../core/time';
import type { ApiKeyCredentials, CredentialProvider } from '../types';
import type { BinanceClient } from './binance-client';
import type { BinanceMarket } from './binance-symbols';
import { type BinanceTrade, BinanceTradeSchema } from './binance.schemas';

const DAY_MS = 24 * 60 * 60_000;
/** myTrades answers at most 1000 rows. */
export const BINANCE_TRADES_LIMIT = 1000;
const MY_TRADES_WEIGHT = 20;

export interface TradeChunk {
  trades: BinanceTrade[];
  /** Highest trade id seen at or before `until` (also counts rows before `since`), for the cursor. */
  maxId: number | undefined;
}

interface WalkInput {
  market: BinanceMarket;
  credentials: CredentialProvider<ApiKeyCredentials>;
  sinceMs: number;
  untilMs: number;
  /** The last trade id already stored for this symbol. */
  lastId?: number;
  signal?: AbortSignal;
}

/**
 * Walks one symbol's trades in ascending id order. With a stored last id it pages by `fromId`
 * from there. Without one it first asks for the latest 1000 trades: when those reach back past
 * `since`, that one answer holds everything; otherwise it scans 24 h windows
 * (`startTime`/`endTime`, which Binance caps at 24 h, else -1127) from `since` to find the first
 * trade and pages by `fromId` from it (`fromId` cannot be combined with a time range).
 */
export async function* walkBinanceSymbol(
  client: BinanceClient,
  input: WalkInput,
): AsyncGenerator<TradeChunk> {
  const { sinceMs, untilMs } = input;
  if (input.lastId !== undefined) {
    yield* pageFromId(client, input, input.lastId + 1);
    return;
  }
  const recent = await myTrades(client, input, { limit: BINANCE_TRADES_LIMIT });
  const oldest = recent[0];
  if (!oldest) return;
  if (recent.length < BINANCE_TRADES_LIMIT || oldest.time <= sinceMs) {
    yield chunk(recent, sinceMs, untilMs);
    return;
  }
  for (
    let windowStart = sinceMs;
    windowStart < oldest.time && windowStart <= untilMs;
    windowStart += DAY_MS
  ) {
    input.signal?.throwIfAborted();
    const rows = await myTrades(client, input, {
      startTime: windowStart,
      endTime: Math.min(windowStart + DAY_MS - 1, untilMs),
      limit: BINANCE_TRADES_LIMIT,
    });
    const first = rows[0];
    if (first) {
      yield* pageFromId(client, input, first.id);
      return;
    }
  }
  yield* pageFromId(client, input, oldest.id);
}

async function* pageFromId(
  client: BinanceClient,
  input: WalkInput,
  startId: number,
): AsyncGenerator<TradeChunk> {
  let fromId = startId;
  for (;;) {
    input.signal?.throwIfAborted();
    const rows = await myTrades(client, input, { fromId, limit: BINANCE_TRADES_LIMIT });
    yield chunk(rows, input.sinceMs, input.untilMs);
    const last = rows.at(-1);
    if (!last || rows.length < BINANCE_TRADES_LIMIT || last.time > input.untilMs) return;
    fromId = last.id + 1;
  }
}

function chunk(rows: BinanceTrade[], sinceMs: number, untilMs: number): TradeChunk {
  let maxId: number | undefined;
  const trades: BinanceTrade[] = [];
  for (const row of rows) {
    if (row.time > untilMs) continue;
    maxId = maxId === undefined ? row.id : Math.max(maxId, row.id);
    if (row.time >= sinceMs) trades.push(row);
  }
  return { trades, maxId };
}

async function myTrades(
  client: BinanceClient,
  input: WalkInput,
  params: Record<string, number>,
): Promise<BinanceTrade[]> {
  const body = await client.signedGet(
    'myTrades',
    '/api/v3/myTrades',
    { symbol: input.market.symbol, ...params },
    input.credentials,
    MY_TRADES_WEIGHT,
  );
  if (!Array.isArray(body)) throw client.badResponse('myTrades', 'a trade list');
  return body.map((row) => {
    const parsed = BinanceTradeSchema.safeParse(row);
    if (!parsed.success) throw client.badResponse('myTrades', 'a trade');
    return parsed.data;
  });
}

/** A myTrades row as a RawFill; extId `${symbol}:${id}` (Binance trade ids are unique per symbol). */
export function normalizeBinanceTrade(trade: BinanceTrade, market: BinanceMarket): RawFill | undefined {
  const qty = normalizeDecimal(trade.qty);
  const price = normalizeDecimal(trade.price);
  const fee = normalizeDecimal(trade.commission);
  if (!qty || !price || fee === undefined || !isPositiveDecimal(qty) || !isPositiveDecimal(price))
    return undefined;
  const feeAsset = trade.commissionAsset.toUpperCase();
  if (!/^[A-Z0-9]+$/.test(feeAsset)) return undefined;
  return {
    broker: 'binance',
    extId: `${market.symbol}:${trade.id}`,
    orderId: String(trade.orderId),
    symbol: `${market.base}-${market.quote}`,
    side: trade.isBuyer ? 'BUY' : 'SELL',
    qty,
    price,
    fee,
    feeAsset,
    ts: epochMsToIso(trade.time),
    isMaker: trade.isMaker,
    source: 'api',
  };
}
