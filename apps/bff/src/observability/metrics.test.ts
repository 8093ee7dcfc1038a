import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import pino from 'pino';
import type { JobEvent, JobQueue, QueueName, QueueStats } from '../infra/jobs';
import { createAppMetrics } from './metrics';

const silent = pino({ level: 'silent' });

function fakeQueue(stats: (queue: QueueName) => Promise<QueueStats>) {
  const listeners: ((event: JobEvent) => void)[] = [];
  const jobs = { stats, onEvent: (listener: (event: JobEvent) => void) => listeners.push(listener) };
  return { jobs: jobs as unknown as JobQueue, emit: (event: JobEvent) => listeners.forEach((l) => l(event)) };
}

const event = (type: JobEvent['type'], durationMs = 1500): JobEvent => ({
  type,
  queue: 'q_import',
  name: 'import.trades',
  jobId: 'j1',
  attempt: 1,
  durationMs,
});

describe('createAppMetrics', () => {
  it('counts job runs, retries and dead letters from the queue events, with their processing time', async () => {
    const registry = new Registry();
    const metrics = createAppMetrics(registry);
    const { jobs, emit } = fakeQueue(async () => ({ waiting: 0, active: 0, delayed: 0, dead: 0 }));
    metrics.observeJobQueue(jobs, silent);
    emit(event('completed', 250));
    emit(event('failed'));
    emit(event('retried'));
    emit(event('failed'));
    emit(event('dead'));
    const text = await registry.metrics();
    expect(text).toContain('jobs_runs_total{queue="q_import",name="import.trades",outcome="completed"} 1');
    expect(text).toContain('jobs_runs_total{queue="q_import",name="import.trades",outcome="failed"} 2');
    expect(text).toContain('jobs_retried_total{queue="q_import",name="import.trades"} 1');
    expect(text).toContain('jobs_dead_lettered_total{queue="q_import",name="import.trades"} 1');
    expect(text).toContain(
      'jobs_run_duration_seconds_sum{queue="q_import",name="import.trades",outcome="completed"} 0.25',
    );
  });

  it('reads queue depth on every scrape and keeps the last values when the store does not answer', async () => {
    const registry = new Registry();
    let answer: QueueStats | Error = { waiting: 3, active: 1, delayed: 2, dead: 4 };
    const { jobs } = fakeQueue(async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    });
    createAppMetrics(registry).observeJobQueue(jobs, silent);
    expect(await registry.metrics()).toContain('jobs_queue_depth{queue="q_score",state="dead"} 4');
    answer = { waiting: 7, active: 0, delayed: 0, dead: 5 };
    expect(await registry.metrics()).toContain('jobs_queue_depth{queue="q_digest",state="waiting"} 7');
    answer = new Error('database gone');
    const text = await registry.metrics();
    expect(text).toContain('jobs_queue_depth{queue="q_digest",state="waiting"} 7');
    expect(text).toContain('jobs_queue_depth{queue="q_sim",state="dead"} 5');
  });

  it('records broker errors by code, retries by reason and the breaker state per broker', async () => {
    const registry = new Registry();
    const metrics = createAppMetrics(registry);
    expect(await registry.metrics()).toContain('broker_circuit_breaker_state{broker="binance"} 0');
    metrics.brokerEvent({
      type: 'error',
      broker: 'binance',
      operation: 'myTrades',
      code: 'BROKER.RATE_LIMITED',
    });
    metrics.brokerEvent({
      type: 'retry',
      broker: 'binance',
      operation: 'myTrades',
      attempt: 1,
      delayMs: 5,
      reason: 'rate_limited',
    });
    metrics.brokerEvent({ type: 'breaker', broker: 'binance', from: 'closed', to: 'open' });
    metrics.brokerEvent({
      type: 'request',
      broker: 'coinbase',
      operation: 'fills',
      outcome: 503,
      durationMs: 40,
      attempt: 1,
    });
    const text = await registry.metrics();
    expect(text).toContain('broker_api_errors_total{broker="binance",code="BROKER.RATE_LIMITED"} 1');
    expect(text).toContain('broker_api_retries_total{broker="binance",reason="rate_limited"} 1');
    expect(text).toContain('broker_circuit_breaker_state{broker="binance"} 2');
    expect(text).toContain(
      'broker_api_request_duration_seconds_count{broker="coinbase",operation="fills",outcome="503"} 1',
    );
  });

  it('counts tags by label, finished imports by status and LLM fallbacks by reason', async () => {
    const registry = new Registry();
    const metrics = createAppMetrics(registry);
    metrics.pipeline.tagsStored(['FOMO', 'FOMO', 'PANIC_SELL']);
    metrics.pipeline.importCompleted('succeeded');
    metrics.pipeline.importCompleted('failed');
    metrics.llmFallback('llm_failed');
    metrics.ml.observe('reflect', 'error', 0.3);
    const text = await registry.metrics();
    expect(text).toContain('bias_tags_total{label="FOMO"} 2');
    expect(text).toContain('bias_tags_total{label="PANIC_SELL"} 1');
    expect(text).toContain('imports_completed_total{status="failed"} 1');
    expect(text).toContain('ml_llm_fallbacks_total{reason="llm_failed"} 1');
    expect(text).toContain('ml_request_duration_seconds_count{operation="reflect",outcome="error"} 1');
  });
});
