import type { AssetId } from '../market/market.assets';

/**
 * The pairs the sandbox's Twelve Data serves: every market asset against USD and USDT, on the
 * same price path the exchanges quote for that asset. LTC and AVAX are vendor-only.
 */

export interface VendorPair {
  symbol: string;
  asset: AssetId;
  currencyBase: string;
  currencyQuote: string;
}

const ASSET_NAMES: Readonly<Record<AssetId, string>> = {
  BTC: 'Bitcoin',
  ETH: 'Ethereum',
  SOL: 'Solana',
  BNB: 'Binance Coin',
  LTC: 'Litecoin',
  AVAX: 'Avalanche',
};

const QUOTE_NAMES: Readonly<Record<string, string>> = { USD: 'US Dollar', USDT: 'Tether USDt' };

export const VENDOR_PAIRS: ReadonlyMap<string, VendorPair> = new Map(
  (Object.keys(ASSET_NAMES) as AssetId[]).flatMap((asset) =>
    Object.entries(QUOTE_NAMES).map(([quote, currencyQuote]): [string, VendorPair] => [
      `${asset}/${quote}`,
      { symbol: `${asset}/${quote}`, asset, currencyBase: ASSET_NAMES[asset], currencyQuote },
    ]),
  ),
);
