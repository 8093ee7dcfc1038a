import { afterEach, describe, expect, it } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createHttpMlClient, SIGNATURE_HEADERS, verifySignature } from '@tt/ml';
import { startTracing, tracer, type Tracing } from './tracing';

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

describe('startTracing', () => {
  it('registers nothing without an endpoint or exporter, so spans are no-ops', async () => {
    tracing = await startTracing({ serviceName: 'tt-test' });
    expect(tracing.enabled).toBe(false);
    const span = tracer().startSpan('nothing');
    expect(span.isRecording()).toBe(false);
    span.end();
  });

  it('records spans into the exporter and carries traceparent on signed ML requests, outside the signature', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = await startTracing({ serviceName: 'tt-test', exporter });
    const sent: { headers: Record<string, string>; path: string; body: string }[] = [];
    const fetchStub: typeof fetch = async (input, init) => {
      sent.push({
        headers: init!.headers as Record<string, string>,
        path: new URL(String(input)).pathname,
        body: String(init!.body),
      });
      return new Response(
        JSON.stringify({ labels: [{ label: 'DISCIPLINE', confidence: 0.6, reasons: ['x'] }] }),
      );
    };
    const ml = createHttpMlClient({
      baseUrl: 'http://ml.invalid',
      hmacSecret: 's'.repeat(40),
      fetch: fetchStub,
    });
    const span = tracer().startSpan('caller');
    await context.with(trace.setSpan(context.active(), span), () =>
      ml.scoreBias({ side: 'BUY', features: {} }),
    );
    span.end();

    const { headers, path, body } = sent[0]!;
    expect(headers.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    const signed = {
      timestamp: headers[SIGNATURE_HEADERS.timestamp]!,
      nonce: headers[SIGNATURE_HEADERS.nonce]!,
      method: 'POST',
      path,
      body,
    };
    expect(verifySignature('s'.repeat(40), signed, headers[SIGNATURE_HEADERS.signature]!)).toBe(true);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['caller']);
  });
});
