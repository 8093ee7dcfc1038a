import { defineConfig } from 'vitest/config';

// Two cores: two forks, and generous timeouts for argon2 and PGlite start-up on a loaded machine.
export default defineConfig({
  test: {
    include: ['{apps,services,packages,db,bench,scripts,verify}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'apps/web/e2e/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
