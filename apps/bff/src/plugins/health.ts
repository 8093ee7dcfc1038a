import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problemType } from '@tt/shared';

export interface HealthCheck {
  name: string;
  driver: string;
  check(): Promise<void>;
}

export interface HealthOptions {
  checks: HealthCheck[];
  /** A check slower than this counts as failed, so /readyz never hangs (default 2 s). */
  timeoutMs?: number;
}

async function runCheck(check: HealthCheck, timeoutMs: number) {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { name: check.name, driver: check.driver, ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { name: check.name, driver: check.driver, ok: false, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz`: the process is alive. `/readyz`: every dependency answers, each named with its driver. */
async function health(app: FastifyInstance, options: HealthOptions) {
  const timeoutMs = options.timeoutMs ?? 2000;
  app.get('/healthz', { config: { rateLimit: false } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { rateLimit: false } }, async (_request, reply) => {
    const results = await Promise.all(options.checks.map((c) => runCheck(c, timeoutMs)));
    const checks = Object.fromEntries(results.map(({ name, ...rest }) => [name, rest]));
    const failing = results.filter((r) => !r.ok).map((r) => r.name);
    if (failing.length === 0) return { status: 'ok', checks };
    return reply
      .code(503)
      .type(PROBLEM_CONTENT_TYPE)
      .send({
        type: problemType('HEALTH.NOT_READY'),
        title: 'Not ready',
        status: 503,
        detail: `Not reachable: ${failing.join(', ')}.`,
        failing,
        checks,
      });
  });
}

export default fp(health, { name: 'health' });
