export {
  createMarketDataService,
  floorHour,
  lastClosedHour,
  type MarketDataService,
  type CandleFetcher,
  type VendorCandles,
} from './market-data.service';
export { marketDataRoutes } from './market-data.routes';
export { firstOpenAtOrAfter, lastClosedIndex } from './candle-search';
export { createSharedVendorBudget } from './vendor-budget';
