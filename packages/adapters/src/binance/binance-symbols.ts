import { BrokerErrors } from '../errors';
import { normalizeDecimal } from '../core/decimal';
import type { ApiKeyCredentials, CredentialProvider } from '../types';
import type { BinanceClient } from './binance-client';
import { BinanceAccountSchema, BinanceExchangeInfoSchema } from './binance.schemas';

export interface BinanceMarket {
  /** Exchange symbol, `BTCUSDT`. */
  symbol: string;
  base: string;
  quote: string;
}

/** Quotes a held asset is most likely to have been traded against. */
const COMMON_QUOTES = new Set(['USDT', 'USDC', 'FDUSD', 'BUSD', 'TUSD', 'BTC', 'ETH', 'BNB', 'EUR']);
const EXCHANGE_INFO_TTL_MS = 60 * 60_000;

/** exchangeInfo, cached for an hour: the map from `BTCUSDT` to BTC/USDT and back. */
export class BinanceMarkets {
  private cache:
    { at: number; bySymbol: Map<string, BinanceMarket>; byPair: Map<string, BinanceMarket> } | undefined;

  constructor(private readonly client: BinanceClient) {}

  async load(): Promise<{ bySymbol: Map<string, BinanceMarket>; byPair: Map<string, BinanceMarket> }> {
    const now = this.client.http.clock.now();
    if (this.cache && now - this.cache.at < EXCHANGE_INFO_TTL_MS) return this.cache;
    const parsed = BinanceExchangeInfoSchema.safeParse(
      await this.client.publicGet('exchangeInfo', '/api/v3/exchangeInfo', {}, 20),
    );
    if (!parsed.success) throw this.client.badResponse('exchangeInfo', 'a market list');
    const weightLimit = parsed.data.rateLimits?.find(
      (l) => l.rateLimitType === 'REQUEST_WEIGHT' && l.interval === 'MINUTE' && l.intervalNum === 1,
    );
    if (weightLimit) this.client.governor.limit = weightLimit.limit;
    const bySymbol = new Map<string, BinanceMarket>();
    const byPair = new Map<string, BinanceMarket>();
    for (const s of parsed.data.symbols) {
      const market = { symbol: s.symbol, base: s.baseAsset.toUpperCase(), quote: s.quoteAsset.toUpperCase() };
      bySymbol.set(s.symbol, market);
      byPair.set(`${market.base}-${market.quote}`, market);
    }
    this.cache = { at: now, bySymbol, byPair };
    return this.cache;
  }

  /** Accepts `BTC-USDT`, `btc-usdt` or `BTCUSDT`. Throws BROKER.UNKNOWN_SYMBOL. */
  async resolve(symbol: string): Promise<BinanceMarket> {
    const { bySymbol, byPair } = await this.load();
    const key = symbol.trim().toUpperCase();
    const market = byPair.get(key) ?? bySymbol.get(key.replace('-', ''));
    if (!market) throw BrokerErrors.UNKNOWN_SYMBOL({ detail: `Binance does not list ${symbol}.` });
    return market;
  }

  /**
   * Symbols worth walking: markets whose base asset has a balance and whose quote is also held or
   * is a common quote, plus the symbols the trader added. A pair the trader fully exited (no
   * balance left in its base) is found only when added by hand.
   */
  async discover(
    credentials: CredentialProvider<ApiKeyCredentials>,
    added: readonly string[],
  ): Promise<BinanceMarket[]> {
    const { bySymbol } = await this.load();
    const account = BinanceAccountSchema.safeParse(
      await this.client.signedGet(
        'account',
        '/api/v3/account',
        { omitZeroBalances: 'true' },
        credentials,
        20,
      ),
    );
    if (!account.success) throw this.client.badResponse('account', 'account balances');
    const held = new Set(
      account.data.balances
        .filter((b) => {
          const free = normalizeDecimal(b.free);
          const locked = normalizeDecimal(b.locked);
          return (free !== undefined && free !== '0') || (locked !== undefined && locked !== '0');
        })
        .map((b) => b.asset.toUpperCase()),
    );
    const chosen = new Map<string, BinanceMarket>();
    for (const market of bySymbol.values()) {
      if (held.has(market.base) && (held.has(market.quote) || COMMON_QUOTES.has(market.quote))) {
        chosen.set(market.symbol, market);
      }
    }
    for (const symbol of added) {
      const market = await this.resolve(symbol);
      chosen.set(market.symbol, market);
    }
    return [...chosen.values()].sort((a, b) => a.symbol.localeCompare(b.symbol));
  }
}
