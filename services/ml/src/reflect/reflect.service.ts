import type { ReflectRequest, ReflectResponse } from '@tt/shared';
import { reflectionDigest } from './reflect.key';
import { LlmFailure, requestLlmReflection, type LlmOptions } from './reflect.llm';
import { offlineReflection } from './reflect.offline';

/** A small LRU: Map iteration order is insertion order, so a hit is re-inserted at the end. */
export class LruCache<V> {
  readonly #entries = new Map<string, V>();
  constructor(readonly maxEntries: number) {}

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** Why the offline coach answered although an LLM is configured. */
export type LlmFallbackReason = 'llm_failed' | 'llm_resting';

export interface ReflectorOptions {
  /** Without it, the offline coach answers every request. */
  llm?: LlmOptions;
  logger?: { warn(details: object, message: string): void };
  /** Called each time the offline coach answers instead of the configured LLM (for a metric). */
  onLlmFallback?: (reason: LlmFallbackReason) => void;
}

export interface Reflector {
  reflect(request: ReflectRequest): Promise<ReflectResponse>;
}

const ATTEMPTS = 2;

/**
 * `POST /v1/nlg/reflect`: the LLM when configured (two attempts, each answer checked by the
 * guardrails), the offline coach otherwise or on failure. Only LLM answers are cached (by
 * sha256 of features, label and tone): the offline text is cheap and the LLM may recover. After
 * `breakerThreshold` failed reflections in a row the LLM rests for `breakerCooldownMs`, so an
 * outage costs one fast fallback per trade instead of two timeouts.
 */
export function createReflector(options: ReflectorOptions = {}): Reflector {
  const { llm, logger, onLlmFallback } = options;
  if (!llm) return { reflect: async (request) => offlineReflection(request) };
  const cache = new LruCache<ReflectResponse>(llm.cacheSize ?? 1_000);
  const now = llm.now ?? Date.now;
  const threshold = llm.breakerThreshold ?? 5;
  const cooldownMs = llm.breakerCooldownMs ?? 60_000;
  let failuresInARow = 0;
  let restUntil = 0;

  return {
    async reflect(request) {
      const key = reflectionDigest(request).toString('hex');
      const cached = cache.get(key);
      if (cached) return cached;
      if (now() < restUntil) {
        onLlmFallback?.('llm_resting');
        return offlineReflection(request);
      }
      const reasons: string[] = [];
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        try {
          const answer = await requestLlmReflection(llm, request);
          failuresInARow = 0;
          cache.set(key, answer);
          return answer;
        } catch (error) {
          reasons.push(error instanceof LlmFailure ? error.reason : 'unexpected error');
        }
      }
      failuresInARow++;
      if (failuresInARow >= threshold) {
        restUntil = now() + cooldownMs;
        failuresInARow = 0;
      }
      logger?.warn({ reasons, label: request.label }, 'LLM reflection failed; the offline coach answered');
      onLlmFallback?.('llm_failed');
      return offlineReflection(request);
    },
  };
}
