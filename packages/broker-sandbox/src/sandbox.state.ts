import {
  WEIGHT_LIMIT_PER_MINUTE,
  SAPI_WEIGHT_LIMIT_PER_MINUTE,
  WeightLimiter,
} from './binance/binance-weights';
import { BinanceKeyRegistry } from './binance/binance-keys';
import { OAuthStore } from './coinbase/coinbase-oauth.store';
import { FaultController } from './faults/faults';
import { Market } from './market/market.series';
import { TraderBooks } from './traders/trader.book';
import { VendorCredits } from './vendor/vendor-credits';

export interface SandboxOptions {
  /** Seed of the market and the traders; the same seed gives the same candles and fills (default 1). */
  seed?: number;
  /** The sandbox's clock (default: the system clock). Only what is at or before `now()` is visible. */
  now?: () => Date;
  /**
   * API credits per key and minute of the vendor (Twelve Data) endpoints; a request beyond them
   * gets 429 (default 8, Twelve Data's free plan).
   */
  vendorRequestsPerMinute?: number;
}

const DEFAULT_SEED = 1;
const DEFAULT_VENDOR_REQUESTS_PER_MINUTE = 8;

/** Everything one sandbox instance holds; nothing is shared between instances. */
export interface SandboxState {
  seed: number;
  nowMs(): number;
  market: Market;
  books: TraderBooks;
  faults: FaultController;
  oauth: OAuthStore;
  binanceKeys: BinanceKeyRegistry;
  binanceWeights: WeightLimiter;
  sapiWeights: WeightLimiter;
  vendorCredits: VendorCredits;
}

export function createSandboxState(options: SandboxOptions = {}): SandboxState {
  const seed = options.seed ?? DEFAULT_SEED;
  const clock = options.now;
  const nowMs = clock ? () => clock().getTime() : () => Date.now();
  const market = new Market(seed);
  return {
    seed,
    nowMs,
    market,
    books: new TraderBooks(market, seed),
    faults: new FaultController(),
    oauth: new OAuthStore(nowMs),
    binanceKeys: new BinanceKeyRegistry(nowMs),
    binanceWeights: new WeightLimiter(WEIGHT_LIMIT_PER_MINUTE),
    sapiWeights: new WeightLimiter(SAPI_WEIGHT_LIMIT_PER_MINUTE),
    vendorCredits: new VendorCredits(options.vendorRequestsPerMinute ?? DEFAULT_VENDOR_REQUESTS_PER_MINUTE),
  };
}
