import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { round } from './report';

setFlagsFromString('--expose-gc');
/** V8's collector, reachable without starting node with --expose-gc. */
const collect = runInNewContext('gc') as () => void;

const MB = 2 ** 20;

/**
 * The live heap when some work started and the most that stayed live while it ran: a full
 * collection every `everyMs`, then the heap in use. Garbage is not counted, so the figures show
 * what the process holds (is it bounded?), not how much it allocates. The collections cost a few
 * percent of the work's time.
 */
export function retainedHeapSampler(everyMs = 2000) {
  collect();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  let samples = 0;
  let last = performance.now();
  let longestGapMs = 0;
  const sample = () => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    samples += 1;
    collect();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop(): void {
      clearInterval(timer);
      sample();
    },
    /**
     * `longestGapMs` well over `everyMs` means the event loop was held up that long (and the peak
     * is then a lower bound).
     */
    figures: () => ({
      atStartMb: round(baseline / MB),
      peakMb: round(peak / MB),
      samples,
      longestGapMs: Math.round(longestGapMs),
    }),
  };
}
