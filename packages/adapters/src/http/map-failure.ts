import type { AppError } from '@tt/shared';
import { BrokerErrors } from '../errors';
import { brokerName, type BrokerHttp, BrokerResponseError } from './broker-http';

/** Rate limits and server errors mean the same on every broker. */
export function mapTransientFailure(http: BrokerHttp, error: BrokerResponseError): AppError | undefined {
  const name = brokerName(http.broker);
  if (error.status === 429 || error.status === 418) {
    const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 60_000) / 1000));
    return BrokerErrors.RATE_LIMITED({
      detail: `${name} asked us to slow down. The import will continue in about ${seconds} s.`,
      headers: { 'Retry-After': String(seconds) },
    });
  }
  if (error.status >= 500) {
    return BrokerErrors.UNAVAILABLE({
      detail: `${name} is having trouble (HTTP ${error.status}). Try again shortly.`,
    });
  }
  return undefined;
}

/**
 * Runs `call` and turns a BrokerResponseError into the AppError `mapBrokerFailure` chooses,
 * reporting the code to the metrics hook. AppErrors pass through unchanged.
 */
export async function withMappedFailures<T>(
  http: BrokerHttp,
  operation: string,
  call: () => Promise<T>,
  mapBrokerFailure: (error: BrokerResponseError) => AppError,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof BrokerResponseError)) throw error;
    const mapped = mapTransientFailure(http, error) ?? mapBrokerFailure(error);
    http.emitError(operation, mapped.code);
    throw mapped;
  }
}
