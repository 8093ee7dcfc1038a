import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createHttpMlClient, createMemoryNonceStore, createMlApp } from '@tt/ml';
import { startSandbox } from '@tt/broker-sandbox';
import { createTestApp, type TestApp } from '../test-support/test-app';
import {
  connectSandboxCoinbase,
  importAndWait,
  sandboxEnv,
  type RunningSandbox,
} from '../test-support/sandbox-broker';
import { signUpAndLogIn, TEST_ORIGIN } from '../modules/auth/auth.test-support';
import { connectSocket, cookieHeader, type SocketClient } from '../modules/realtime/realtime.test-support';
import { createTelemetry, type Telemetry } from './telemetry';

const ML_SECRET = 'observability-test-secret-0123456789abcdef';

/*
 * One real import, observed from outside: the sandbox over HTTP, the ML service over signed HTTP,
 * a coach socket open, tracing into an in-memory exporter. Then the registry is scraped as
 * Prometheus would, and the finished spans are read back as one trace.
 */
let sandbox: RunningSandbox;
let ml: FastifyInstance;
let exporter: InMemorySpanExporter;
let telemetry: Telemetry;
let t: TestApp;
let socket: SocketClient;
let importId: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  exporter = new InMemorySpanExporter();
  telemetry = await createTelemetry({ serviceName: 'tt-bff', exporter });
  ml = createMlApp({ hmacSecret: ML_SECRET, nonceStore: createMemoryNonceStore(), tracing: true });
  const mlUrl = await ml.listen({ port: 0, host: '127.0.0.1' });
  t = await createTestApp({
    env: sandboxEnv(sandbox),
    telemetry,
    overrides: { ml: createHttpMlClient({ baseUrl: mlUrl, hmacSecret: ML_SECRET }) },
  });
  const base = await t.app.listen({ port: 0, host: '127.0.0.1' });

  const { client } = await signUpAndLogIn(t.app);
  await connectSandboxCoinbase(client, 'demo');
  socket = await connectSocket(base, { cookie: cookieHeader(client.cookies), origin: TEST_ORIGIN });
  const run = await importAndWait(client);
  expect(run).toMatchObject({ status: 'succeeded' });
  importId = String(run.id);
  await socket.next((message) => message.type === 'coach.reflect', 10_000);
  // The run is marked succeeded from inside the scoring job; the job itself ends (and is counted,
  // and its span finishes) a moment after that.
  await vi.waitFor(
    async () => expect(await sample('jobs_runs_total', { queue: 'q_score', outcome: 'completed' })).toBe(1),
    { timeout: 10_000, interval: 50 },
  );
});
afterAll(async () => {
  await socket?.close();
  await t?.close();
  await ml?.close();
  await sandbox?.close();
  await telemetry?.tracing.shutdown();
});

/** Sums the samples of `name` (a histogram's `_count` names its count) whose labels include `labels`. */
async function sample(name: string, labels: Record<string, string> = {}): Promise<number> {
  const family = name.replace(/_count$/, '');
  const metric = await t.platform.telemetry.registry.getSingleMetric(family)?.get();
  expect(metric, `${family} is registered`).toBeDefined();
  return metric!.values
    .filter((v) => ((v as { metricName?: string }).metricName ?? family) === name)
    .filter((v) => Object.entries(labels).every(([k, value]) => String(v.labels[k]) === value))
    .reduce((sum, v) => sum + v.value, 0);
}

describe('observability after a sandbox import', () => {
  it('shows non-zero HTTP, queue, import, label, ML, broker and WebSocket series on /metrics', async () => {
    expect(
      await sample('http_request_duration_seconds_count', { route: '/api/trades/import', status: '202' }),
    ).toBe(1);
    expect(
      await sample('jobs_runs_total', { queue: 'q_import', outcome: 'completed' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await sample('jobs_runs_total', { queue: 'q_score', outcome: 'completed' }),
    ).toBeGreaterThanOrEqual(1);
    expect(await sample('jobs_run_duration_seconds_count', { queue: 'q_score' })).toBeGreaterThanOrEqual(1);
    expect(await sample('imports_completed_total', { status: 'succeeded' })).toBe(1);
    expect(await sample('bias_tags_total')).toBeGreaterThan(200);
    expect(await sample('bias_tags_total', { label: 'FOMO' })).toBeGreaterThan(0);
    expect(
      await sample('ml_request_duration_seconds_count', { operation: 'scoreBiasBatch', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    expect(await sample('broker_api_request_duration_seconds_count', { broker: 'coinbase' })).toBeGreaterThan(
      0,
    );
    expect(await sample('broker_circuit_breaker_state', { broker: 'coinbase' })).toBe(0);
    expect(await sample('ws_connections')).toBe(1);
    expect(await sample('ws_messages_sent_total')).toBeGreaterThan(0);

    // Queue depth is read on scrape; the text format is what Prometheus parses.
    const text = await t.platform.telemetry.registry.metrics();
    expect(text).toMatch(/^jobs_queue_depth\{queue="q_import",state="waiting"\} 0$/m);
    expect(text).toMatch(/^jobs_queue_depth\{queue="q_score",state="dead"\} 0$/m);
    expect(text).toMatch(/^imports_completed_total\{status="succeeded"\} 1$/m);
  });

  it('records one trace from the HTTP request through both jobs into the ML service', async () => {
    const spans = exporter.getFinishedSpans();
    const request = spans.find((s) => s.name === 'POST /api/trades/import');
    expect(request, 'the import request has a server span').toBeDefined();
    const trace = spans.filter((s) => s.spanContext().traceId === request!.spanContext().traceId);
    const one = (name: string): ReadableSpan => {
      const found = trace.find((s) => s.name === name);
      expect(found, `${name} is in the request's trace`).toBeDefined();
      return found!;
    };
    const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

    const enqueueImport = one('enqueue q_import/import.trades');
    const importRun = one('process q_import/import.trades');
    const enqueueScore = one('enqueue q_score/score.bias');
    const scoreRun = one('process q_score/score.bias');
    expect(parentOf(enqueueImport)).toBe(request!.spanContext().spanId);
    expect(parentOf(importRun)).toBe(enqueueImport.spanContext().spanId);
    expect(parentOf(enqueueScore)).toBe(importRun.spanContext().spanId);
    expect(parentOf(scoreRun)).toBe(enqueueScore.spanContext().spanId);
    expect([importRun.kind, scoreRun.kind]).toEqual([SpanKind.CONSUMER, SpanKind.CONSUMER]);

    const mlClient = one('ml scoreBiasBatch');
    const mlServer = one('POST /v1/bias/score/batch');
    expect(parentOf(mlClient)).toBe(scoreRun.spanContext().spanId);
    expect(parentOf(mlServer)).toBe(mlClient.spanContext().spanId);
    expect(mlServer.kind).toBe(SpanKind.SERVER);

    const transactions = trace.filter((s) => s.name === 'db.transaction');
    expect(transactions.some((s) => parentOf(s) === importRun.spanContext().spanId)).toBe(true);
    expect(request!.attributes['http.response.status_code']).toBe(202);
    expect(importRun.attributes['messaging.message.id']).toBeDefined();
    expect(importId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
