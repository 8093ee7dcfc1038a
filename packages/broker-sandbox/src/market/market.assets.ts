/**
 * The assets the sandbox market trades, and the symbols each exchange lists for them. Both
 * exchanges quote the same underlying price path per asset (USD and USDT are treated alike).
 * LTC and AVAX are listed by neither exchange: only the market-data vendor serves them. (Prices are
 * integer cents, so an asset worth cents, such as ADA or XRP, would move in steps of a percent.)
 */

export type AssetId = 'BTC' | 'ETH' | 'SOL' | 'BNB' | 'LTC' | 'AVAX';

export interface AssetSpec {
  id: AssetId;
  /** Stable number mixed into the seed so that each asset walks its own path. */
  index: number;
  /** The level the walk reverts to, in quote currency. */
  basePrice: number;
  /** Standard deviation of an ordinary hourly log return. */
  hourlyVolatility: number;
  /** Typical base-asset volume traded in an hour. */
  hourlyVolume: number;
}

export const ASSETS: Readonly<Record<AssetId, AssetSpec>> = {
  BTC: { id: 'BTC', index: 1, basePrice: 94_000, hourlyVolatility: 0.0065, hourlyVolume: 420 },
  ETH: { id: 'ETH', index: 2, basePrice: 3_300, hourlyVolatility: 0.0085, hourlyVolume: 5_200 },
  SOL: { id: 'SOL', index: 3, basePrice: 190, hourlyVolatility: 0.011, hourlyVolume: 61_000 },
  BNB: { id: 'BNB', index: 4, basePrice: 650, hourlyVolatility: 0.0075, hourlyVolume: 9_800 },
  LTC: { id: 'LTC', index: 5, basePrice: 105, hourlyVolatility: 0.009, hourlyVolume: 14_000 },
  AVAX: { id: 'AVAX', index: 6, basePrice: 36, hourlyVolatility: 0.011, hourlyVolume: 90_000 },
};

export interface VenueSymbol {
  /** The exchange's own name: `BTC-USD` on Coinbase, `BTCUSDT` on Binance. */
  symbol: string;
  base: string;
  quote: string;
  asset: AssetId;
  /** Smallest quantity increment, in units of 1e-8 of the base asset. */
  qtyStepUnits: number;
  /** A derivative the spot importer must skip (Coinbase International perpetuals). */
  perpetual: boolean;
  /** How often a trader picks it, relative to the venue's other symbols. */
  weight: number;
}

export type VenueId = 'coinbase' | 'binance';

export interface VenueSpec {
  id: VenueId;
  index: number;
  /** Spot symbols the traders use. */
  symbols: readonly VenueSymbol[];
  /** Symbols only the Coinbase trader touches now and then, which importers must skip. */
  extraSymbols: readonly VenueSymbol[];
  /** Volume multiplier against the asset's typical hourly volume. */
  volumeFactor: number;
}

export const COINBASE: VenueSpec = {
  id: 'coinbase',
  index: 1,
  symbols: [
    {
      symbol: 'BTC-USD',
      base: 'BTC',
      quote: 'USD',
      asset: 'BTC',
      qtyStepUnits: 1,
      perpetual: false,
      weight: 45,
    },
    {
      symbol: 'ETH-USD',
      base: 'ETH',
      quote: 'USD',
      asset: 'ETH',
      qtyStepUnits: 1,
      perpetual: false,
      weight: 30,
    },
    {
      symbol: 'SOL-USD',
      base: 'SOL',
      quote: 'USD',
      asset: 'SOL',
      qtyStepUnits: 1,
      perpetual: false,
      weight: 25,
    },
  ],
  extraSymbols: [
    {
      symbol: 'BTC-PERP-INTX',
      base: 'BTC',
      quote: 'USDC',
      asset: 'BTC',
      qtyStepUnits: 10_000,
      perpetual: true,
      weight: 1,
    },
  ],
  volumeFactor: 1,
};

export const BINANCE: VenueSpec = {
  id: 'binance',
  index: 2,
  symbols: [
    {
      symbol: 'BTCUSDT',
      base: 'BTC',
      quote: 'USDT',
      asset: 'BTC',
      qtyStepUnits: 1_000,
      perpetual: false,
      weight: 40,
    },
    {
      symbol: 'ETHUSDT',
      base: 'ETH',
      quote: 'USDT',
      asset: 'ETH',
      qtyStepUnits: 10_000,
      perpetual: false,
      weight: 25,
    },
    {
      symbol: 'SOLUSDT',
      base: 'SOL',
      quote: 'USDT',
      asset: 'SOL',
      qtyStepUnits: 100_000,
      perpetual: false,
      weight: 20,
    },
    {
      symbol: 'BNBUSDT',
      base: 'BNB',
      quote: 'USDT',
      asset: 'BNB',
      qtyStepUnits: 100_000,
      perpetual: false,
      weight: 15,
    },
  ],
  extraSymbols: [],
  volumeFactor: 3,
};

/** Every symbol of the venue, spot first, in a stable order (fills refer to them by index). */
export function venueSymbols(venue: VenueSpec): readonly VenueSymbol[] {
  return [...venue.symbols, ...venue.extraSymbols];
}
