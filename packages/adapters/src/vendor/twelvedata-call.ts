import { parseRetryAfter } from '../http/backoff';
import type { AdapterLogger } from '../http/http.types';
import { redactUrl } from '../http/redact';
import { TwelveDataErrorSchema } from './twelvedata.schemas';

/** What one request to Twelve Data came to. */
export type TwelveDataOutcome =
  | { kind: 'ok'; body: unknown }
  /** An error body (whatever the HTTP status) or a non-2xx answer; `code` is Twelve Data's. */
  | { kind: 'error'; code: number; message: string; retryAfterMs: number | undefined }
  | { kind: 'network' | 'timeout' };

export interface TwelveDataCallContext {
  apiKey: string;
  fetch: typeof fetch;
  now: () => number;
  timeoutMs: number;
  logger: AdapterLogger | undefined;
}

class AttemptTimeoutError extends Error {
  constructor() {
    super('Request timed out');
    this.name = 'AttemptTimeoutError';
  }
}

/**
 * Sends one GET with the key in the `Authorization` header and a per-attempt timeout. Rejects only
 * when the caller's signal aborts; every other failure is an outcome, for the caller to retry.
 */
export async function callTwelveData(
  ctx: TwelveDataCallContext,
  url: URL,
  attempt: number,
  signal: AbortSignal | undefined,
): Promise<TwelveDataOutcome> {
  const started = ctx.now();
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new AttemptTimeoutError()), ctx.timeoutMs);
  let outcome: TwelveDataOutcome;
  let status: number | undefined;
  try {
    const res = await ctx.fetch(url, {
      headers: { authorization: `apikey ${ctx.apiKey}`, accept: 'application/json' },
      signal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal,
      redirect: 'manual',
    });
    status = res.status;
    outcome = outcomeOf(res.status, res.headers, await res.text(), ctx.now());
  } catch {
    if (signal?.aborted) throw signal.reason;
    outcome = { kind: timeout.signal.aborted ? 'timeout' : 'network' };
  } finally {
    clearTimeout(timer);
  }
  ctx.logger?.debug(
    {
      vendor: 'twelvedata',
      operation: 'time_series',
      url: redactUrl(url.toString(), [ctx.apiKey]),
      status: status ?? outcome.kind,
      ...(outcome.kind === 'error' ? { code: outcome.code } : {}),
      durationMs: ctx.now() - started,
      attempt,
    },
    'vendor call',
  );
  return outcome;
}

function outcomeOf(status: number, headers: Headers, text: string, nowMs: number): TwelveDataOutcome {
  const body = parseJson(text);
  const error = TwelveDataErrorSchema.safeParse(body);
  if (error.success || status >= 300) {
    return {
      kind: 'error',
      code: error.success ? error.data.code : status,
      message: error.success ? error.data.message : '',
      retryAfterMs: parseRetryAfter(headers.get('retry-after'), nowMs),
    };
  }
  return { kind: 'ok', body };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
