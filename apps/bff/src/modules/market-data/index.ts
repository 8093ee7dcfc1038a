export {
  createMarketDataService,
  floorHour,
  lastClosedHour,
  type MarketDataService,
  type CandleFetcher,
} from './market-data.service';
export { marketDataRoutes } from './market-data.routes';
export { firstOpenAtOrAfter, lastClosedIndex } from './candle-search';
