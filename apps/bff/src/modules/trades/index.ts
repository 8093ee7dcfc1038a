export { createTradesService, TradeErrors, type TradesService } from './trades.service';
export { tradesRoutes } from './trades.routes';
