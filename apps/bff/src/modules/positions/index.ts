export { createPositionsService, type PositionsService, type SeriesKey } from './positions.service';
export { positionsRoutes } from './positions.routes';
export { toPositionDto } from './position-dto';
export { pairFifo, type PairableFill, type PositionLot } from './pair-fifo';
