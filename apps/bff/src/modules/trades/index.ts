export { createTradesService, TradeErrors, type TradesService } from './trades.service';
export type { NewTrade } from './trades.repository';
export { tradesRoutes } from './trades.routes';
