import { SpanKind } from '@opentelemetry/api';
import type { MlClient } from '@tt/ml';
import type { MlMetrics } from './metrics';
import { inSpan } from './tracing';

type Operation = Exclude<keyof MlClient, 'ping'>;

/**
 * An MlClient decorator: every operation is timed into `ml_request_duration_seconds` and, with
 * tracing on, runs in a client span (the HTTP client then sends that span's `traceparent`).
 * `ping` (the readiness probe) is passed through untimed.
 */
export function instrumentMlClient(
  ml: MlClient,
  metrics: MlMetrics,
  options: { tracing: boolean },
): MlClient {
  const timed =
    <K extends Operation>(operation: K) =>
    async (request: Parameters<MlClient[K]>[0]): Promise<Awaited<ReturnType<MlClient[K]>>> => {
      const call = ml[operation] as (r: typeof request) => Promise<Awaited<ReturnType<MlClient[K]>>>;
      const run = () => call(request);
      const started = performance.now();
      try {
        const answer = options.tracing
          ? await inSpan(
              `ml ${operation}`,
              { kind: SpanKind.CLIENT, attributes: { 'tt.ml.operation': operation } },
              run,
            )
          : await run();
        metrics.observe(operation, 'ok', (performance.now() - started) / 1000);
        return answer;
      } catch (error) {
        metrics.observe(operation, 'error', (performance.now() - started) / 1000);
        throw error;
      }
    };
  return {
    indicators: timed('indicators'),
    indicatorsBatch: timed('indicatorsBatch'),
    scoreBias: timed('scoreBias'),
    scoreBiasBatch: timed('scoreBiasBatch'),
    reflect: timed('reflect'),
    ping: () => ml.ping(),
  };
}
