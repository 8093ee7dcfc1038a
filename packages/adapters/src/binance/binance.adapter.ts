import type { RawFill } from '@tt/shared';
import { BrokerErrors } from '../errors';
import type { BrokerHttp } from '../http/broker-http';
import type { AdapterEventListener } from '../http/http.types';
import type {
  ApiKeyCredentials,
  BinanceSyncState,
  BrokerAdapter,
  CredentialProvider,
  FillPage,
} from '../types';
import { BinanceClient, type BinanceClientConfig } from './binance-client';
import { fetchBinanceCandles } from './binance-klines';
import { BinanceMarkets } from './binance-symbols';
import { normalizeBinanceTrade, walkBinanceSymbol } from './binance-trades';
import { BinanceApiRestrictionsSchema } from './binance.schemas';

export type BinanceAdapterConfig = BinanceClientConfig;

export interface BinanceAdapter extends BrokerAdapter<ApiKeyCredentials> {
  readonly id: 'binance';
  readonly auth: 'apiKey';
  verifyReadOnly(credentials: CredentialProvider<ApiKeyCredentials>): Promise<{ scopes: string[] }>;
}

/** apiRestrictions flags that let a key do more than read, with the name Binance's UI gives them. */
const WRITE_PERMISSIONS = [
  ['enableSpotAndMarginTrading', 'Spot & Margin Trading'],
  ['enableWithdrawals', 'Withdrawals'],
  ['enableInternalTransfer', 'Internal Transfer'],
  ['permitsUniversalTransfer', 'Universal Transfer'],
  ['enableMargin', 'Margin Loan, Repay & Transfer'],
  ['enableFutures', 'Futures'],
  ['enableVanillaOptions', 'European Options'],
  ['enablePortfolioMarginTrading', 'Portfolio Margin Trading'],
  ['enableFixApiTrade', 'FIX API Trading'],
] as const;

export function createBinanceAdapter(
  config: BinanceAdapterConfig,
  http: BrokerHttp,
  onEvent?: AdapterEventListener,
): BinanceAdapter {
  const client = new BinanceClient(http, config, onEvent);
  const markets = new BinanceMarkets(client);

  return {
    id: 'binance',
    auth: 'apiKey',

    async verifyReadOnly(credentials) {
      const parsed = BinanceApiRestrictionsSchema.safeParse(
        await client.signedGet('apiRestrictions', '/sapi/v1/account/apiRestrictions', {}, credentials, 1),
      );
      if (!parsed.success) throw client.badResponse('apiRestrictions', 'the key permissions');
      const flags = parsed.data;
      const enabled = WRITE_PERMISSIONS.filter(([flag]) => flags[flag] === true).map(([, label]) => label);
      if (enabled.length > 0) {
        http.emitError('apiRestrictions', 'BROKER.KEY_NOT_READ_ONLY');
        throw BrokerErrors.KEY_NOT_READ_ONLY({
          detail: `This Binance API key has ${enabled.join(', ')} enabled. Create a key with only "Enable Reading" ticked and connect that one.`,
        });
      }
      if (flags.enableReading !== true) {
        throw BrokerErrors.PERMISSION_DENIED({
          detail: 'This Binance API key cannot read. Tick "Enable Reading" for it.',
        });
      }
      return { scopes: ['read'] };
    },

    async *fetchFills(input): AsyncGenerator<FillPage> {
      const lastIds = { ...(input.syncState?.broker === 'binance' ? input.syncState.lastIds : {}) };
      const snapshot = (): BinanceSyncState => ({ broker: 'binance', lastIds: { ...lastIds } });
      const targets = await markets.discover(input.credentials, input.symbols ?? []);
      for (const market of targets) {
        const walk = walkBinanceSymbol(client, {
          market,
          credentials: input.credentials,
          sinceMs: input.since.getTime(),
          untilMs: input.until.getTime(),
          ...(lastIds[market.symbol] !== undefined ? { lastId: lastIds[market.symbol] } : {}),
          ...(input.signal ? { signal: input.signal } : {}),
        });
        for await (const chunk of walk) {
          const fills: RawFill[] = [];
          for (const trade of chunk.trades) {
            const fill = normalizeBinanceTrade(trade, market);
            if (!fill) throw client.badResponse('myTrades', 'a trade');
            fills.push(fill);
          }
          if (chunk.maxId !== undefined) {
            lastIds[market.symbol] = Math.max(lastIds[market.symbol] ?? chunk.maxId, chunk.maxId);
          }
          if (fills.length > 0) yield { fills, skipped: 0, syncState: snapshot() };
        }
      }
      yield { fills: [], skipped: 0, syncState: snapshot() };
    },

    async fetchCandles(input) {
      const market = await markets.resolve(input.symbol);
      return fetchBinanceCandles(client, market, input.since, input.until);
    },
  };
}
