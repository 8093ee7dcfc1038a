/** Short-lived shared state: OAuth intents, nonces, simulation results, login throttles. */
export interface Cache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Stores only when absent; true when this call stored it (single-use claims). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Reads and deletes in one step, so a single-use value can be taken once. */
  take(key: string): Promise<string | null>;
  delete(key: string): Promise<void>;
  /** Increments a counter, starting its TTL on first use; returns the new value. */
  increment(key: string, ttlMs: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
