import { z } from 'zod';
import { ROOT_CONTEXT, SpanKind, context, propagation } from '@opentelemetry/api';
import type { JobContext, JobDefinition, JobQueue } from '../infra/jobs';
import { currentRequestId, runWithRequestId } from './request-context';
import { inSpan } from './tracing';

/** What travels with a job besides its payload: who asked for it, and the trace it belongs to. */
const JobMetaSchema = z.object({
  reqId: z.string().max(128).optional(),
  traceparent: z.string().max(128).optional(),
  tracestate: z.string().max(512).optional(),
});
type JobMeta = z.infer<typeof JobMetaSchema>;

interface Envelope<P> {
  payload: P;
  meta: JobMeta;
}

export interface JobContextOptions {
  /** Record a producer span per enqueue and a consumer span per run, linked by `traceparent`. */
  tracing: boolean;
}

/**
 * A JobQueue decorator that carries the request id and the trace context from `enqueue` to the
 * handler, in an envelope around the payload (`{ payload, meta }`), on either driver. Handlers see
 * their own payload, a logger whose lines carry `reqId`, and (with tracing) an active span that
 * continues the enqueuer's trace. Jobs stored before the envelope existed still run (empty meta).
 */
export function withJobContext(jobs: JobQueue, options: JobContextOptions): JobQueue {
  const envelopes = new WeakMap<JobDefinition<never>, JobDefinition<Envelope<never>>>();
  const envelopeOf = <P>(definition: JobDefinition<P>): JobDefinition<Envelope<P>> => {
    let wrapped = envelopes.get(definition as JobDefinition<never>);
    if (!wrapped) {
      wrapped = envelopeDefinition(definition, options) as JobDefinition<Envelope<never>>;
      envelopes.set(definition as JobDefinition<never>, wrapped);
    }
    return wrapped as unknown as JobDefinition<Envelope<P>>;
  };

  return {
    driver: jobs.driver,
    register: (definition) => jobs.register(envelopeOf(definition)),
    async enqueue(definition, payload, enqueueOptions) {
      const reqId = currentRequestId();
      const send = (meta: JobMeta) => jobs.enqueue(envelopeOf(definition), { payload, meta }, enqueueOptions);
      if (!options.tracing) return send({ reqId });
      return inSpan(
        `enqueue ${definition.queue}/${definition.name}`,
        { kind: SpanKind.PRODUCER, attributes: jobAttributes(jobs, definition) },
        async (span) => {
          const carrier: Record<string, string> = {};
          propagation.inject(context.active(), carrier);
          const result = await send({
            reqId,
            traceparent: carrier.traceparent,
            tracestate: carrier.tracestate,
          });
          span.setAttributes({ 'messaging.message.id': result.jobId, 'tt.job.deduped': result.deduped });
          return result;
        },
      );
    },
    start: () => jobs.start(),
    stop: (graceMs) => jobs.stop(graceMs),
    stats: (queue) => jobs.stats(queue),
    async deadLetters(queue, limit) {
      const letters = await jobs.deadLetters(queue, limit);
      return letters.map((letter) => ({ ...letter, payload: openEnvelope(letter.payload) }));
    },
    ping: () => jobs.ping(),
    onEvent: (listener) => jobs.onEvent(listener),
  };
}

function jobAttributes(jobs: JobQueue, definition: { queue: string; name: string }) {
  return {
    'messaging.system': jobs.driver,
    'messaging.destination.name': definition.queue,
    'tt.job.name': definition.name,
  };
}

function openEnvelope(stored: unknown): unknown {
  const parsed = z.object({ payload: z.unknown(), meta: JobMetaSchema }).safeParse(stored);
  return parsed.success ? parsed.data.payload : stored;
}

function envelopeDefinition<P>(
  definition: JobDefinition<P>,
  options: JobContextOptions,
): JobDefinition<Envelope<P>> {
  const schema = z.union([
    z.object({ payload: definition.payload, meta: JobMetaSchema }),
    definition.payload.transform((payload) => ({ payload, meta: {} })),
  ]) as unknown as z.ZodType<Envelope<P>>;
  return {
    queue: definition.queue,
    name: definition.name,
    attempts: definition.attempts,
    payload: schema,
    handle(job) {
      const { payload, meta } = job.payload;
      const log = meta.reqId ? job.log.child({ reqId: meta.reqId }) : job.log;
      const inner: JobContext<P> = { ...job, payload, log };
      const run = async () => {
        const started = performance.now();
        log.info('job started');
        await definition.handle(inner);
        log.info({ durationMs: Math.round(performance.now() - started) }, 'job finished');
      };
      // Every run gets exactly its own scope, never the one of whatever code claimed it.
      return runWithRequestId(meta.reqId, () => {
        if (!options.tracing) return run();
        const parent = propagation.extract(ROOT_CONTEXT, {
          ...(meta.traceparent ? { traceparent: meta.traceparent } : {}),
          ...(meta.tracestate ? { tracestate: meta.tracestate } : {}),
        });
        return context.with(parent, () =>
          inSpan(
            `process ${definition.queue}/${definition.name}`,
            {
              kind: SpanKind.CONSUMER,
              attributes: {
                'messaging.destination.name': definition.queue,
                'messaging.message.id': job.id,
                'tt.job.name': definition.name,
                'tt.job.attempt': job.attempt,
              },
            },
            run,
          ),
        );
      });
    },
  };
}
