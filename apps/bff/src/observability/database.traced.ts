import { SpanKind, trace } from '@opentelemetry/api';
import type { Database, DatabaseHandle } from '@tt/db';
import { inSpan } from './tracing';

/**
 * Spans for the database: every transaction and raw `execute` on the handle's Drizzle instance
 * runs in a client span (`db.transaction`, `db.execute`). A Proxy in front of the instance, so
 * neither Drizzle nor the drivers are patched; every other property is the instance's own.
 * Statements outside a transaction are not spanned one by one: Drizzle has no query hook that
 * reports completion, and the heavy writes (imports, tags) all run in transactions. Only work
 * inside a traced request or job gets a span: background loops would flood traces with roots.
 */
export function traceDatabase(handle: DatabaseHandle): DatabaseHandle {
  const attributes = { 'db.system.name': handle.driver === 'postgres' ? 'postgresql' : 'pglite' };
  const target = handle.db;
  const transaction: Database['transaction'] = (work, config) =>
    trace.getActiveSpan()
      ? inSpan('db.transaction', { kind: SpanKind.CLIENT, attributes }, () =>
          target.transaction(work, config),
        )
      : target.transaction(work, config);
  const execute = ((query: Parameters<Database['execute']>[0]) =>
    trace.getActiveSpan()
      ? inSpan('db.execute', { kind: SpanKind.CLIENT, attributes }, async () => target.execute(query))
      : target.execute(query)) as Database['execute'];
  const db = new Proxy(target, {
    get(object, property, receiver) {
      if (property === 'transaction') return transaction;
      if (property === 'execute') return execute;
      return Reflect.get(object, property, receiver) as unknown;
    },
  });
  return { ...handle, db };
}
