import type { Registry } from 'prom-client';
import { createMetricsRegistry } from './metrics-registry';
import { createAppMetrics, type AppMetrics } from './metrics';
import { TRACING_OFF, startTracing, type Tracing, type TracingOptions } from './tracing';

/** Everything a process observes itself with: its metrics registry and series, and its tracing. */
export interface Telemetry {
  registry: Registry;
  metrics: AppMetrics;
  tracing: Tracing;
}

/** Starts tracing (only when an endpoint or exporter is given) and declares the metrics. */
export async function createTelemetry(options: TracingOptions): Promise<Telemetry> {
  const registry = createMetricsRegistry();
  return { registry, metrics: createAppMetrics(registry), tracing: await startTracing(options) };
}

/** Metrics on a registry of their own and no tracing: for callers that never scrape or trace. */
export function untracedTelemetry(): Telemetry {
  const registry = createMetricsRegistry();
  return { registry, metrics: createAppMetrics(registry), tracing: TRACING_OFF };
}
