import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Registers the OpenTelemetry SDK for the standalone ML service, exporting to
 * `<endpoint>/v1/traces` over OTLP/HTTP; resolves to the function that flushes and unregisters it.
 * Called only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, so the exporter never loads otherwise.
 */
export async function startOtlpTracing(endpoint: string): Promise<() => Promise<void>> {
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'tt-ml' }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` })),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return async () => {
    await provider.shutdown();
    trace.disable();
  };
}
