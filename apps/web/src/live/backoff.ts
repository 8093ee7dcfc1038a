import type { ReconnectAdvice } from '@tt/shared';

export interface BackoffOptions {
  /** Ceiling of the first retry's delay (default 500 ms). */
  initialMs?: number;
  /** Ceiling of any delay (default 30 s). */
  maxMs?: number;
}

/**
 * Delay before the next connection attempt, "full jitter" style: a random point below an
 * exponentially growing ceiling, so clients that lost the same server do not return in step.
 * `attempt` counts failed attempts since the last stable connection (0 for the first retry).
 */
export function reconnectDelay(
  advice: Exclude<ReconnectAdvice, 'stop'>,
  attempt: number,
  random: () => number,
  options: BackoffOptions = {},
): number {
  const initialMs = options.initialMs ?? 500;
  const maxMs = options.maxMs ?? 30_000;
  switch (advice) {
    // Still jittered: a restarting server sends all its clients here at once.
    case 'now':
      return Math.floor(random() * initialMs);
    case 'later':
      return Math.floor(maxMs / 2 + random() * (maxMs / 2));
    case 'backoff':
      return Math.floor(random() * Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30)));
  }
}
