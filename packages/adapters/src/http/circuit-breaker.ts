import type { BreakerState, Clock } from './http.types';

export interface CircuitBreakerOptions {
  threshold: number;
  cooldownMs: number;
  clock: Clock;
  onStateChange: (from: BreakerState, to: BreakerState) => void;
}

/** Thrown without calling the action when the circuit is open (or a probe is already in flight). */
export class CircuitOpenError extends Error {
  constructor(readonly retryInMs: number) {
    super('Circuit open');
    this.name = 'CircuitOpenError';
  }
}

/**
 * Closed → open after `threshold` consecutive failures → half-open once `cooldownMs` has passed,
 * letting exactly one probe through → closed when it succeeds, open again when it fails.
 * The action reports its own outcome through `isFailure`, so a 401 (the trader's problem) does not
 * count against the broker while a 503 does.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeInFlight = false;

  constructor(private readonly options: CircuitBreakerOptions) {}

  get state(): BreakerState {
    return this.current;
  }

  async run<T>(
    action: () => Promise<T>,
    isFailure: (outcome: { value?: T; error?: unknown }) => boolean,
  ): Promise<T> {
    this.admit();
    const probing = this.current === 'half-open';
    let failed: boolean;
    try {
      const value = await action();
      failed = isFailure({ value });
      this.settle(failed, probing);
      return value;
    } catch (error) {
      failed = isFailure({ error });
      this.settle(failed, probing);
      throw error;
    }
  }

  private admit(): void {
    if (this.current === 'closed') return;
    const waited = this.options.clock.now() - this.openedAt;
    if (this.current === 'open' && waited >= this.options.cooldownMs) {
      this.transition('half-open');
    }
    if (this.current === 'half-open' && !this.probeInFlight) {
      this.probeInFlight = true;
      return;
    }
    throw new CircuitOpenError(Math.max(0, this.options.cooldownMs - waited));
  }

  private settle(failed: boolean, probing: boolean): void {
    if (probing) this.probeInFlight = false;
    if (!failed) {
      this.failures = 0;
      if (this.current !== 'closed') this.transition('closed');
      return;
    }
    this.failures += 1;
    if (probing || (this.current === 'closed' && this.failures >= this.options.threshold)) {
      this.openedAt = this.options.clock.now();
      this.transition('open');
    }
  }

  private transition(to: BreakerState): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    this.options.onStateChange(from, to);
  }
}
