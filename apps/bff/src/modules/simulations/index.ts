export { createSimulationsService, SYNC_LOT_LIMIT, type SimulationsService } from './simulations.service';
export { simulateJob, type SimulateJobPayload } from './simulate.job';
export { simulationsRoutes } from './simulations.routes';
export { Dec, ZERO, moneyString, moneyWords } from './sim-money';
export { markAt, toPriceSeries, type PriceSeries } from './price-series';
