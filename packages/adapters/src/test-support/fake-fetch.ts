import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';

export interface FakeRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string;
}

export interface FakeResponse {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export type FakeHandler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

/**
 * A `fetch` that answers from `handler` and records every request, so adapter tests replay
 * recorded responses without a network. An abort signal rejects the pending call like undici does.
 */
export function createFakeFetch(handler: FakeHandler) {
  const calls: FakeRequest[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((init?.headers as Record<string, string> | undefined) ?? {})) {
      headers[k.toLowerCase()] = v;
    }
    const request: FakeRequest = {
      method: init?.method ?? 'GET',
      url: new URL(String(input)),
      headers,
      body: typeof init?.body === 'string' ? init.body : '',
    };
    calls.push(request);
    const signal = init?.signal;
    const answer = await Promise.race([
      Promise.resolve(handler(request)),
      new Promise<never>((_, reject) => {
        if (signal?.aborted) reject(signal.reason);
        signal?.addEventListener('abort', () => reject(signal.reason));
      }),
    ]);
    const body = answer.json !== undefined ? JSON.stringify(answer.json) : (answer.text ?? '');
    return new Response(body, {
      status: answer.status ?? 200,
      headers: {
        'content-type': answer.json !== undefined ? 'application/json' : 'text/plain',
        ...answer.headers,
      },
    });
  }) as typeof fetch;
  return { fetch: fetchImpl, calls };
}

/** Reads a recorded response from src/__fixtures__. */
export function fixture<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(new URL(`../__fixtures__/${path}`, import.meta.url), 'utf8')) as T;
}

/** Reads a raw fixture file (CSV exports). */
export function fixtureText(path: string): string {
  return readFileSync(new URL(`../__fixtures__/${path}`, import.meta.url), 'utf8');
}

/** A clock and a sleep that advances it, so backoff and cool-downs take no real time. */
export function createFakeTime(startMs = Date.UTC(2024, 5, 1)) {
  let now = startMs;
  const sleeps: number[] = [];
  return {
    clock: { now: () => now },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    sleeps,
  };
}

/** A real pino logger at debug level whose lines are kept in memory for scanning. */
export function createCapturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}
