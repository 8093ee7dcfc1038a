import { AsyncLocalStorage } from 'node:async_hooks';

/*
 * The id of the HTTP request that caused the current work, carried from the route handler into
 * every job it enqueues (and the jobs those enqueue), so one id finds a request's whole story in
 * the logs. Independent of tracing: it works with tracing off.
 */
const storage = new AsyncLocalStorage<{ reqId: string }>();

/** Runs `fn` with `reqId` as the current request id; `undefined` runs it with none. */
export function runWithRequestId<T>(reqId: string | undefined, fn: () => T): T {
  return reqId === undefined ? storage.exit(fn) : storage.run({ reqId }, fn);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.reqId;
}
