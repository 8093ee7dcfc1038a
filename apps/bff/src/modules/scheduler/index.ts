export { createScheduler, TICK_MS, type Scheduler } from './scheduler';
