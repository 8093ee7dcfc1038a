import { z } from 'zod';
import { createSandboxApp } from './sandbox.app';

/**
 * Runs the broker sandbox on its own port: `npm run sandbox -w packages/broker-sandbox`.
 * `SANDBOX_PORT` (default 4010), `HOST` (default 127.0.0.1), `SANDBOX_SEED` (default 1).
 */
const EnvSchema = z.object({
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(4010),
  HOST: z.string().min(1).default('127.0.0.1'),
  SANDBOX_SEED: z.coerce.number().int().min(0).max(0xffffffff).optional(),
});

const parsed = EnvSchema.safeParse(process.env);
if (!parsed.success) {
  const names = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
  console.error(`broker sandbox: invalid environment variable(s): ${names}`);
  process.exit(1);
}
const env = parsed.data;

const app = await createSandboxApp({
  logger: true,
  ...(env.SANDBOX_SEED === undefined ? {} : { seed: env.SANDBOX_SEED }),
});
await app.listen({ port: env.SANDBOX_PORT, host: env.HOST });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.log.info({ signal }, 'broker sandbox stopping');
    void app.close().then(() => process.exit(0));
  });
}
