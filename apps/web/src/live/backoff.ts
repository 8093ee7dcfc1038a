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
  // A whole number in [0, ceiling): the product of a random fraction can round up to the ceiling.
  const below = (ceiling: number) => Math.min(ceiling - 1, Math.floor(random() * ceiling));
  switch (advice) {
    // Still jittered: a restarting server sends all its clients here at once.
    case 'now':
      return below(initialMs);
    case 'later':
      return Math.floor(maxMs / 2) + below(Math.ceil(maxMs / 2));
    case 'backoff':
      return below(Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30)));
  }
}
