import { Agent, request } from 'node:http';
import { latencySummary, round } from '../lib/stats';

export interface RateRunOptions {
  /** One base URL per BFF process; requests go round-robin, as the edge's `lb_policy round_robin` sends them. */
  bases: string[];
  ratePerSecond: number;
  durationSeconds: number;
  /** The i-th request: its path and cookie. */
  next(i: number): { path: string; cookie: string };
  /** Connections the client may open (default 256). */
  maxSockets?: number;
  /** A request still unanswered after this counts as an error (default 10 s). */
  timeoutMs?: number;
}

export interface RateRunResult {
  targetRps: number;
  requests: number;
  ok: number;
  errors: number;
  errorRate: number;
  byStatus: Record<string, number>;
  /** Rate at which requests were actually sent (the client keeping up with its schedule). */
  achievedRps: number;
  /** From the moment each request was sent. */
  latencyMs: ReturnType<typeof latencySummary>;
  /** From the moment each request was due: includes any wait in this client (no coordinated omission). */
  latencyFromScheduleMs: ReturnType<typeof latencySummary>;
  seconds: number;
}

/**
 * Open-loop load: request i is due at start + i / rate whether or not earlier ones were answered,
 * so a slow server shows up as latency and errors rather than as a lower offered rate. Keep-alive
 * connections on 127.0.0.1, bounded in count; the run stops itself after the duration.
 */
export async function runAtRate(options: RateRunOptions): Promise<RateRunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 });
  const urls = options.bases.map((b) => new URL(b));
  const total = Math.round(options.ratePerSecond * options.durationSeconds);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const sent: number[] = [];
  const scheduled: number[] = [];
  const byStatus: Record<string, number> = {};
  let ok = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();

  const one = (i: number, due: number) =>
    new Promise<void>((resolve) => {
      const { path, cookie } = options.next(i);
      const url = urls[i % urls.length]!;
      const t0 = performance.now();
      let settled = false;
      const done = (status: string) => {
        if (settled) return;
        settled = true;
        const t1 = performance.now();
        byStatus[status] = (byStatus[status] ?? 0) + 1;
        if (status === '200') {
          ok += 1;
          sent.push(t1 - t0);
          scheduled.push(t1 - due);
        }
        resolve();
      };
      const req = request(
        { host: url.hostname, port: url.port, path, method: 'GET', agent, headers: { cookie } },
        (res) => {
          res.resume();
          res.once('end', () => done(String(res.statusCode)));
          res.once('error', () => done('response-error'));
        },
      );
      req.setTimeout(timeoutMs, () => {
        req.destroy();
        done('timeout');
      });
      req.once('error', () => done('network-error'));
      req.end();
    });

  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / options.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(one(i, due));
  }
  const sendSeconds = (performance.now() - start) / 1000;
  await Promise.all(pending);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  const errors = total - ok;
  return {
    targetRps: options.ratePerSecond,
    achievedRps: round(total / Math.max(sendSeconds, 0.001)),
    requests: total,
    ok,
    errors,
    errorRate: round(errors / Math.max(1, total), 5),
    byStatus,
    latencyMs: latencySummary(sent),
    latencyFromScheduleMs: latencySummary(scheduled),
    seconds: round(seconds),
  };
}
