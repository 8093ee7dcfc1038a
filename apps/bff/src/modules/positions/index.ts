export { createPositionsService, type PositionsService, type SeriesKey } from './positions.service';
export { pairFifo, type PairableFill, type PositionLot } from './pair-fifo';
