import { defineErrors } from '@tt/shared';

export const SimulationErrors = defineErrors('SIMULATIONS', {
  HORIZON_NOT_AVAILABLE: [422, 'No prices reach the end of this horizon'],
  NOTHING_TO_SIMULATE: [422, 'There is no position to simulate'],
  NOT_FOUND: [404, 'Simulation not found'],
  FAILED: [500, 'The simulation failed'],
});
