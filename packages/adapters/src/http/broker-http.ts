import type { BrokerId } from '@tt/shared';
import { BrokerErrors } from '../errors';
import { fullJitterDelay, parseRetryAfter } from './backoff';
import { CircuitBreaker, CircuitOpenError } from './circuit-breaker';
import type {
  AdapterEventListener,
  AdapterLogger,
  BreakerState,
  Clock,
  HttpClientOptions,
  Sleep,
} from './http.types';
import { redactUrl, scrubSecrets } from './redact';
import { abortableSleep } from './sleep';

/** One attempt's request. Built fresh per attempt, so signatures and tokens are never stale. */
export interface PreparedRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Values that must never reach a log line or an error (tokens, keys, signatures). */
  secrets?: string[];
}

export interface SendSpec {
  /** A short stable name for logs and metrics (`fills`, `token.refresh`). */
  operation: string;
  /** False for calls that must never be repeated (single-use codes and refresh tokens). Default true. */
  retry?: boolean;
  prepare(): PreparedRequest | Promise<PreparedRequest>;
}

export interface BrokerResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, else the text. */
  body: unknown;
}

/** A final non-2xx answer; the adapter turns it into a BROKER.* AppError. */
export class BrokerResponseError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly body: unknown,
    readonly headers: Headers,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`${operation} answered ${status}`);
    this.name = 'BrokerResponseError';
  }
}

class AttemptTimeoutError extends Error {
  constructor() {
    super('Request timed out');
    this.name = 'AttemptTimeoutError';
  }
}

type AttemptOutcome =
  { kind: 'response'; response: BrokerResponse } | { kind: 'network' | 'timeout'; error: unknown };

/**
 * The one resilient HTTP client, one instance per broker: per-attempt timeout, retries with
 * exponential backoff and full jitter on 429/418/5xx/network errors (waiting at least
 * `Retry-After`), and a circuit breaker around each logical call. Logs carry the operation, the
 * redacted URL, the status and the timing, never headers or bodies.
 */
export class BrokerHttp {
  readonly clock: Clock;
  readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly fetchImpl: typeof fetch;
  private readonly breaker: CircuitBreaker;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterMs: number;

  constructor(
    readonly broker: BrokerId,
    options: HttpClientOptions,
    private readonly logger: AdapterLogger | undefined,
    private readonly onEvent: AdapterEventListener | undefined,
  ) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxRetries = options.maxRetries ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
    this.breaker = new CircuitBreaker({
      threshold: options.breakerThreshold ?? 5,
      cooldownMs: options.breakerCooldownMs ?? 30_000,
      clock: this.clock,
      onStateChange: (from, to) => {
        this.logger?.warn({ broker, from, to }, 'broker circuit changed state');
        this.onEvent?.({ type: 'breaker', broker, from, to });
      },
    });
  }

  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  /** Sends with retries inside the breaker; resolves with any 2xx, throws BrokerResponseError or AppError. */
  async send(spec: SendSpec): Promise<BrokerResponse> {
    try {
      return await this.breaker.run(
        () => this.sendWithRetries(spec),
        ({ error }) => isBrokerSideFailure(error),
      );
    } catch (error) {
      if (error instanceof CircuitOpenError) {
        this.emitError(spec.operation, 'BROKER.UNAVAILABLE');
        throw BrokerErrors.UNAVAILABLE({
          detail: `${brokerName(this.broker)} is failing repeatedly; we paused calls to it. Try again in a minute.`,
          headers: { 'Retry-After': String(Math.max(1, Math.ceil(error.retryInMs / 1000))) },
        });
      }
      throw error;
    }
  }

  /** Reports an AppError code for metrics; the adapters call it when they map a failure. */
  emitError(operation: string, code: string): void {
    this.onEvent?.({ type: 'error', broker: this.broker, operation, code });
  }

  private async sendWithRetries(spec: SendSpec): Promise<BrokerResponse> {
    const canRetry = spec.retry ?? true;
    for (let attempt = 0; ; attempt++) {
      const prepared = await spec.prepare();
      const outcome = await this.attempt(spec.operation, prepared, attempt);
      if (outcome.kind === 'response' && outcome.response.status < 400) return outcome.response;

      const retryAfterMs =
        outcome.kind === 'response'
          ? parseRetryAfter(outcome.response.headers.get('retry-after'), this.clock.now())
          : undefined;
      const reason = retryReason(outcome);
      const exhausted = !canRetry || attempt >= this.maxRetries;
      const tooLong = retryAfterMs !== undefined && retryAfterMs > this.maxRetryAfterMs;
      if (reason === undefined || exhausted || tooLong) {
        throw this.finalError(spec.operation, outcome, retryAfterMs, prepared.secrets);
      }
      const jitter = fullJitterDelay(attempt, this.baseDelayMs, this.maxDelayMs, this.random);
      const delayMs = Math.max(retryAfterMs ?? 0, jitter);
      this.logger?.warn(
        { broker: this.broker, operation: spec.operation, attempt: attempt + 1, delayMs, reason },
        'retrying broker call',
      );
      this.onEvent?.({
        type: 'retry',
        broker: this.broker,
        operation: spec.operation,
        attempt: attempt + 1,
        delayMs,
        reason,
      });
      await this.sleep(delayMs);
    }
  }

  private async attempt(
    operation: string,
    prepared: PreparedRequest,
    attempt: number,
  ): Promise<AttemptOutcome> {
    const started = this.clock.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new AttemptTimeoutError()), this.timeoutMs);
    let outcome: AttemptOutcome;
    try {
      const res = await this.fetchImpl(prepared.url, {
        method: prepared.method ?? 'GET',
        headers: prepared.headers,
        body: prepared.body,
        signal: controller.signal,
        redirect: 'manual',
      });
      const text = await res.text();
      outcome = {
        kind: 'response',
        response: { status: res.status, headers: res.headers, body: parseBody(text) },
      };
    } catch (error) {
      outcome = { kind: controller.signal.aborted ? 'timeout' : 'network', error };
    } finally {
      clearTimeout(timer);
    }
    const durationMs = this.clock.now() - started;
    const status = outcome.kind === 'response' ? outcome.response.status : outcome.kind;
    this.logger?.debug(
      {
        broker: this.broker,
        operation,
        method: prepared.method ?? 'GET',
        url: redactUrl(prepared.url, prepared.secrets),
        status,
        durationMs,
        attempt,
      },
      'broker call',
    );
    this.onEvent?.({ type: 'request', broker: this.broker, operation, outcome: status, durationMs, attempt });
    return outcome;
  }

  private finalError(
    operation: string,
    outcome: AttemptOutcome,
    retryAfterMs: number | undefined,
    secrets: string[] | undefined,
  ): Error {
    if (outcome.kind === 'response') {
      const { status, body, headers } = outcome.response;
      return new BrokerResponseError(operation, status, scrubBody(body, secrets), headers, retryAfterMs);
    }
    this.emitError(operation, 'BROKER.UNAVAILABLE');
    this.logger?.warn(
      { broker: this.broker, operation, reason: outcome.kind },
      'broker call failed without a response',
    );
    return BrokerErrors.UNAVAILABLE({
      detail:
        outcome.kind === 'timeout'
          ? `${brokerName(this.broker)} did not answer in time. Try again shortly.`
          : `We could not reach ${brokerName(this.broker)}. Try again shortly.`,
    });
  }
}

function retryReason(
  outcome: AttemptOutcome,
): 'rate_limited' | 'server_error' | 'network' | 'timeout' | undefined {
  if (outcome.kind !== 'response') return outcome.kind;
  const { status } = outcome.response;
  if (status === 429 || status === 418) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return undefined;
}

/** The breaker counts only failures that say the broker is unwell, not the trader's bad key. */
function isBrokerSideFailure(error: unknown): boolean {
  if (error === undefined) return false;
  if (error instanceof BrokerResponseError)
    return error.status === 429 || error.status === 418 || error.status >= 500;
  return true;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** Error bodies are kept for mapping; a broker that echoes a credential must not leak it onwards. */
function scrubBody(body: unknown, secrets: string[] | undefined): unknown {
  if (!secrets?.length || body === undefined) return body;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const clean = scrubSecrets(text, secrets);
  if (clean === text) return body;
  return typeof body === 'string' ? clean : (JSON.parse(clean) as unknown);
}

export function brokerName(broker: BrokerId): string {
  return broker === 'coinbase' ? 'Coinbase' : 'Binance';
}
