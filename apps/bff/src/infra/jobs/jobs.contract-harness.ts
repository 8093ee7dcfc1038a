import { afterEach } from 'vitest';
import { z } from 'zod';
import type { ConcurrencyOverrides, JobDefinition, JobEvent, JobQueue } from './index';

export interface QueueUnderTestOptions {
  backoffBaseMs?: number;
  concurrency?: ConcurrencyOverrides;
}

/** One empty store (database or Redis prefix) that several queues, like several processes, share. */
export interface StoreUnderTest {
  /** A queue on this store as a freshly started process would open it; short leases and polls. */
  open(options?: QueueUnderTestOptions): JobQueue;
  close(): Promise<void>;
}

/** A store that other processes can open, for the crash test. */
export interface CrashStoreUnderTest {
  /** Environment telling `jobs.crash-fixture.ts` which store to open. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface DriverUnderTest {
  newStore(): Promise<StoreUnderTest>;
  newCrashStore(): Promise<CrashStoreUnderTest>;
}

export const Payload = z.object({ n: z.number().int() });
export type Payload = z.infer<typeof Payload>;

/** A definition whose handler the test supplies; every test uses its own job name. */
export function job(
  name: string,
  handle: JobDefinition<Payload>['handle'],
  extra: Partial<JobDefinition<Payload>> = {},
): JobDefinition<Payload> {
  return { queue: 'q_import', name, payload: Payload, handle, ...extra };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const idle = { waiting: 0, active: 0, delayed: 0, dead: 0 };

/** What each contract case gets: a fresh store per test, queues that are stopped afterwards. */
export interface ContractHarness {
  driver: DriverUnderTest;
  /** Gives the test a fresh, empty store. */
  fresh(): Promise<void>;
  /** A queue on the current store, as a freshly started process would open it. */
  open(options?: QueueUnderTestOptions): JobQueue;
  recordEvents(queue: JobQueue): JobEvent[];
  /** Runs after the test, before the queues are stopped. */
  defer(cleanup: () => Promise<unknown>): void;
}

/** Must be called while a `describe` is being collected: registers the cleanup after each test. */
export function createContractHarness(driver: DriverUnderTest): ContractHarness {
  const cleanups: (() => Promise<unknown>)[] = [];
  let store: StoreUnderTest | undefined;
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  return {
    driver,
    async fresh() {
      const opened = await driver.newStore();
      store = opened;
      cleanups.push(() => opened.close());
    },
    open(options) {
      if (!store) throw new Error('Call fresh() before open()');
      const queue = store.open(options);
      cleanups.unshift(() => queue.stop(200));
      return queue;
    },
    recordEvents(queue) {
      const events: JobEvent[] = [];
      queue.onEvent((event) => events.push(event));
      return events;
    },
    defer(cleanup) {
      cleanups.unshift(cleanup);
    },
  };
}
