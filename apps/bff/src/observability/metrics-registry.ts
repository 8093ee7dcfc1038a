import { collectDefaultMetrics, Registry } from 'prom-client';

/** One registry per process; default Node metrics plus whatever the features register. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
