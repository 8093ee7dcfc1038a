import { context, propagation, trace, SpanStatusCode, type Span, type SpanOptions } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

export const TRACER_NAME = 'trading-twin';

export interface TracingOptions {
  /** `service.name` on every span (`tt-bff`, `tt-worker`, `tt-ml`). */
  serviceName: string;
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`: spans go to `<endpoint>/v1/traces` over OTLP/HTTP. */
  otlpEndpoint?: string | undefined;
  /** Tests: an exporter of their own (spans are exported one by one, synchronously). */
  exporter?: SpanExporter;
}

/** Whether spans are recorded in this process, and how to flush them on shutdown. */
export interface Tracing {
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

/** No SDK registered: every span is a no-op and no instrumentation is installed. */
export const TRACING_OFF: Tracing = { enabled: false, shutdown: async () => undefined };

/**
 * Registers the OpenTelemetry SDK for this process when there is somewhere to send spans; with
 * neither an endpoint nor an exporter nothing is registered or loaded, the API stays a no-op and
 * the instrumentation in this folder is not installed at all. Libraries (the ML client and
 * service) use only the API, so they trace exactly when the process has registered the SDK.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  if (!options.exporter && !options.otlpEndpoint) return TRACING_OFF;
  // The SDK is loaded only when tracing is on: it costs a quarter of a second of start-up.
  const [
    { AsyncLocalStorageContextManager },
    { W3CTraceContextPropagator },
    { resourceFromAttributes },
    sdk,
  ] = await Promise.all([
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
  ]);
  const { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } = sdk;
  const exporter =
    options.exporter ??
    new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({
      url: `${options.otlpEndpoint!.replace(/\/+$/, '')}/v1/traces`,
    });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    enabled: true,
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

export const tracer = () => trace.getTracer(TRACER_NAME);

/** Records a failure on the span the way every span in this app does. */
export function recordFailure(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : new Error(String(error)));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : undefined });
}

/** Runs `fn` inside a new active span that ends (and records a failure) when `fn` settles. */
export function inSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, options, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
