import type { RawFill } from '@tt/shared';
import { joinUrl } from '../core/url';
import { BrokerErrors } from '../errors';
import { isoToEpochMicros, parseExactTime, toRfc3339Seconds } from '../core/time';
import type { BrokerHttp } from '../http/broker-http';
import type { CoinbaseSyncState, FetchFillsInput, FillPage, OAuthTokens } from '../types';
import { CoinbaseFillSchema, CoinbaseFillsPageSchema } from './coinbase.schemas';
import { normalizeCoinbaseFill } from './coinbase-normalize';

export interface CoinbaseFillsContext {
  http: BrokerHttp;
  apiBaseUrl: string;
  pageSize: number;
  getJson(operation: string, url: URL, token: string): Promise<unknown>;
}

/**
 * Walks List Fills newest first, one request per page, following `cursor` until it is `""`.
 * The window is on `sequence_timestamp`; with a stored cursor the walk starts at the newest fill
 * already seen (re-reading that one fill, which the store de-duplicates by extId). The new cursor
 * is handed out only with the last page, so a walk that dies half-way never skips older fills.
 * A walk filtered by `symbols` leaves the cursor as it was.
 */
export async function* walkCoinbaseFills(
  ctx: CoinbaseFillsContext,
  input: FetchFillsInput<OAuthTokens>,
): AsyncGenerator<FillPage> {
  const previous: CoinbaseSyncState =
    input.syncState?.broker === 'coinbase' ? input.syncState : { broker: 'coinbase' };
  const start = laterOf(input.since, previous.newestSequenceTimestamp);
  const filtered = (input.symbols?.length ?? 0) > 0;
  let newestSeq = previous.newestSequenceTimestamp;
  let newestTrade = previous.newestTradeTime;
  let cursor = '';

  do {
    input.signal?.throwIfAborted();
    const url = joinUrl(ctx.apiBaseUrl, '/api/v3/brokerage/orders/historical/fills');
    for (const symbol of input.symbols ?? []) url.searchParams.append('product_ids', symbol.toUpperCase());
    url.searchParams.set('start_sequence_timestamp', toRfc3339Seconds(start));
    url.searchParams.set('end_sequence_timestamp', toRfc3339Seconds(input.until));
    url.searchParams.set('limit', String(ctx.pageSize));
    if (cursor) url.searchParams.set('cursor', cursor);
    const token = (await input.credentials.get()).accessToken;
    const body = await ctx.getJson('fills', url, token);
    const page = CoinbaseFillsPageSchema.safeParse(body);
    if (!page.success) throw badResponse(ctx, 'the fills page');

    const fills: RawFill[] = [];
    let skipped = 0;
    for (const item of page.data.fills) {
      const raw = CoinbaseFillSchema.safeParse(item);
      if (!raw.success) throw badResponse(ctx, 'a fill');
      const normalized = normalizeCoinbaseFill(raw.data);
      if (normalized.kind === 'invalid') throw badResponse(ctx, `a fill (${normalized.reason})`);
      if (normalized.kind === 'skipped') {
        skipped += 1;
        continue;
      }
      fills.push(normalized.fill);
      newestSeq = newerOf(newestSeq, normalized.sequenceTs);
      newestTrade = newerOf(newestTrade, normalized.tradeTs);
    }
    cursor = page.data.fills.length > 0 ? (page.data.cursor ?? '') : '';
    const done = cursor === '';
    const syncState: CoinbaseSyncState =
      done && !filtered
        ? {
            broker: 'coinbase',
            ...(newestSeq ? { newestSequenceTimestamp: newestSeq } : {}),
            ...(newestTrade ? { newestTradeTime: newestTrade } : {}),
          }
        : previous;
    yield { fills, skipped, syncState };
  } while (cursor !== '');
}

function laterOf(since: Date, iso: string | undefined): Date {
  if (!iso) return since;
  const stored = new Date(iso);
  return stored.getTime() > since.getTime() ? stored : since;
}

function newerOf(current: string | undefined, candidate: string): string {
  if (!current) return candidate;
  const a = parseExactTime(current);
  if (!a) return candidate;
  return isoToEpochMicros(candidate) > isoToEpochMicros(a) ? candidate : current;
}

function badResponse(ctx: CoinbaseFillsContext, what: string) {
  ctx.http.emitError('fills', 'BROKER.BAD_RESPONSE');
  return BrokerErrors.BAD_RESPONSE({ detail: `Coinbase sent ${what} we could not read.` });
}
