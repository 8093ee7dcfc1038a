import { z } from 'zod';

/**
 * Faults injected on request for the reliability suites: the next `count` requests whose path
 * (relative to the sandbox root) starts with `pathPrefix` answer 429 or 5xx, arrive late, or lose
 * their connection.
 */
export const FaultRuleSchema = z
  .object({
    kind: z.enum(['429', '5xx', 'slow', 'drop']),
    /** How many matching requests the fault applies to (default 1). */
    count: z.number().int().min(1).max(1_000_000).optional(),
    /** Delay before a `slow` request is answered (default 2,000 ms). */
    delayMs: z.number().int().min(0).max(120_000).optional(),
    /** Only requests whose path starts with this (e.g. `/api/v3/brokerage`); all when absent. */
    pathPrefix: z.string().startsWith('/').max(500).optional(),
    /** `Retry-After` of a 429 (default 1 second). */
    retryAfterSeconds: z.number().int().min(0).max(3_600).optional(),
    /** Status of a `5xx` fault (default 503). */
    status: z.number().int().min(500).max(599).optional(),
  })
  .strict();
export type FaultRule = z.infer<typeof FaultRuleSchema>;

export interface ActiveFault extends FaultRule {
  id: number;
  /** Matching requests still to be hit. */
  remaining: number;
}

/** The faults of one sandbox instance; also what `startSandbox` hands to tests. */
export class FaultController {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  add(rule: FaultRule): ActiveFault {
    const fault: ActiveFault = {
      ...FaultRuleSchema.parse(rule),
      id: this.nextId++,
      remaining: rule.count ?? 1,
    };
    this.faults.push(fault);
    return { ...fault };
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  /** The oldest fault matching `path`, with one of its uses spent; undefined when none applies. */
  take(path: string): ActiveFault | undefined {
    const fault = this.faults.find((f) => path.startsWith(f.pathPrefix ?? '/'));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }
}
