import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AdapterEvent, BreakerState } from '@tt/adapters';
import { QUEUE_NAMES, type JobEvent, type JobQueue, type QueueStats } from '../infra/jobs';
import type { Logger } from '../logger';

/*
 * The application's Prometheus series, all registered on the process's registry (one per
 * process, created by createMetricsRegistry). The HTTP histogram lives in plugins/metrics.ts and
 * the WebSocket series in modules/realtime/realtime.metrics.ts; everything else is here, so the
 * alert rules and the dashboard (infra/prometheus, infra/grafana) have one place to look.
 */

/** Seconds; covers an in-process ML call (~1 ms) up to a 30 s HTTP timeout. */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds; jobs run from milliseconds (a score of a few trades) to a minute (a 30-day import). */
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export type ImportStatus = 'succeeded' | 'failed';

/** What the import pipeline reports: tags as they are stored, and each import's final status. */
export interface PipelineMetrics {
  tagsStored(labels: readonly string[]): void;
  importCompleted(status: ImportStatus): void;
}

/** Times one call to the ML service by operation, whether it answered or failed. */
export interface MlMetrics {
  observe(operation: string, outcome: 'ok' | 'error', seconds: number): void;
}

/** Candle fetches from the market-data vendor: `ok`, `unknown_symbol` or `error`, waits for its budget included. */
export interface VendorMetrics {
  observe(vendor: string, outcome: 'ok' | 'unknown_symbol' | 'error', seconds: number): void;
}

export interface AppMetrics {
  pipeline: PipelineMetrics;
  vendor: VendorMetrics;
  ml: MlMetrics;
  /** Counts offline answers given instead of the LLM's (embedded mode; the ML service counts its own). */
  llmFallback(reason: string): void;
  /** The broker adapters' `onEvent` listener. */
  brokerEvent(event: AdapterEvent): void;
  /** Job outcomes from `jobs.onEvent`, and queue depth read from `jobs.stats` on every scrape. */
  observeJobQueue(jobs: JobQueue, logger: Logger): void;
}

/** Declares every application series on `registry` and returns the typed ways to feed them. */
export function createAppMetrics(registry: Registry): AppMetrics {
  const registers = [registry];
  const importsCompleted = new Counter({
    name: 'imports_completed_total',
    help: 'Imports that reached a final status (rate() of it is imports per minute)',
    labelNames: ['status'] as const,
    registers,
  });
  const biasTags = new Counter({
    name: 'bias_tags_total',
    help: 'Bias tags stored, by label (the share of each label is its rate over the sum)',
    labelNames: ['label'] as const,
    registers,
  });
  const mlDuration = new Histogram({
    name: 'ml_request_duration_seconds',
    help: 'Calls from the BFF to the ML service by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const llmFallbacks = new Counter({
    name: 'ml_llm_fallbacks_total',
    help: 'Reflections answered by the offline coach because the LLM failed or was resting',
    labelNames: ['reason'] as const,
    registers,
  });
  const vendorFetches = new Histogram({
    name: 'market_vendor_fetch_duration_seconds',
    help: 'Candle fetches from the market-data vendor by outcome (ok, unknown_symbol, error), budget waits included',
    labelNames: ['vendor', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });
  const brokerRequests = new Histogram({
    name: 'broker_api_request_duration_seconds',
    help: 'HTTP calls to broker APIs by broker, operation and outcome (status, network or timeout)',
    labelNames: ['broker', 'operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const brokerRetries = new Counter({
    name: 'broker_api_retries_total',
    help: 'Broker API calls retried, by reason',
    labelNames: ['broker', 'reason'] as const,
    registers,
  });
  const brokerErrors = new Counter({
    name: 'broker_api_errors_total',
    help: 'Broker API calls that failed for good, by error code',
    labelNames: ['broker', 'code'] as const,
    registers,
  });
  const breakerState = new Gauge({
    name: 'broker_circuit_breaker_state',
    help: 'Circuit breaker per broker: 0 closed, 1 half-open, 2 open',
    labelNames: ['broker'] as const,
    registers,
  });
  for (const broker of ['coinbase', 'binance']) breakerState.set({ broker }, BREAKER_VALUE.closed);
  const jobRuns = new Counter({
    name: 'jobs_runs_total',
    help: 'Job runs by queue, job name and outcome (completed or failed)',
    labelNames: ['queue', 'name', 'outcome'] as const,
    registers,
  });
  const jobDuration = new Histogram({
    name: 'jobs_run_duration_seconds',
    help: 'Processing time of one job run by queue, job name and outcome',
    labelNames: ['queue', 'name', 'outcome'] as const,
    buckets: JOB_BUCKETS,
    registers,
  });
  const jobRetries = new Counter({
    name: 'jobs_retried_total',
    help: 'Failed runs scheduled to run again',
    labelNames: ['queue', 'name'] as const,
    registers,
  });
  const deadLettered = new Counter({
    name: 'jobs_dead_lettered_total',
    help: 'Jobs moved to the dead letters (retries exhausted or a permanent failure)',
    labelNames: ['queue', 'name'] as const,
    registers,
  });

  const onJobEvent = (event: JobEvent) => {
    const labels = { queue: event.queue, name: event.name };
    switch (event.type) {
      case 'completed':
      case 'failed':
        jobRuns.inc({ ...labels, outcome: event.type });
        jobDuration.observe({ ...labels, outcome: event.type }, event.durationMs / 1000);
        break;
      case 'retried':
        jobRetries.inc(labels);
        break;
      case 'dead':
        deadLettered.inc(labels);
        break;
    }
  };

  return {
    pipeline: {
      tagsStored(labels) {
        for (const label of labels) biasTags.inc({ label });
      },
      importCompleted(status) {
        importsCompleted.inc({ status });
      },
    },
    ml: {
      observe(operation, outcome, seconds) {
        mlDuration.observe({ operation, outcome }, seconds);
      },
    },
    vendor: {
      observe(vendor, outcome, seconds) {
        vendorFetches.observe({ vendor, outcome }, seconds);
      },
    },
    llmFallback(reason) {
      llmFallbacks.inc({ reason });
    },
    brokerEvent(event) {
      switch (event.type) {
        case 'request':
          brokerRequests.observe(
            { broker: event.broker, operation: event.operation, outcome: String(event.outcome) },
            event.durationMs / 1000,
          );
          break;
        case 'retry':
          brokerRetries.inc({ broker: event.broker, reason: event.reason });
          break;
        case 'error':
          brokerErrors.inc({ broker: event.broker, code: event.code });
          break;
        case 'breaker':
          breakerState.set({ broker: event.broker }, BREAKER_VALUE[event.to]);
          break;
        case 'throttle':
          break;
      }
    },
    observeJobQueue(jobs, logger) {
      jobs.onEvent(onJobEvent);
      registerQueueDepth(registry, jobs, logger);
    },
  };
}

const DEPTH_STATES = [
  'waiting',
  'active',
  'delayed',
  'dead',
] as const satisfies readonly (keyof QueueStats)[];

/**
 * Queue depth is read from the store when Prometheus scrapes, not kept in memory: the queue is
 * shared by every process, so each one reports the same numbers (dashboards take `max by`).
 */
function registerQueueDepth(registry: Registry, jobs: JobQueue, logger: Logger): void {
  new Gauge({
    name: 'jobs_queue_depth',
    help: 'Jobs per queue and state (waiting, active, delayed, dead letters), read on scrape',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      const all = await Promise.allSettled(QUEUE_NAMES.map((queue) => jobs.stats(queue)));
      all.forEach((result, i) => {
        const queue = QUEUE_NAMES[i]!;
        if (result.status === 'rejected') {
          // Keep the last values: a gap would read as an empty queue on the dashboard.
          logger.warn({ err: { message: String(result.reason) }, queue }, 'queue depth not read');
          return;
        }
        for (const state of DEPTH_STATES) this.set({ queue, state }, result.value[state]);
      });
    },
  });
}
