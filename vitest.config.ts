import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores here: trainer processes spawned by integration tests need the other one.
    maxWorkers: 2,
    // Runs that name no model train the built-in one here whatever the product's default is
    // (main/services/model-service.ts): most tests need a short run, not a fine-tune.
    // test/integration/default-model.test.ts checks the default itself, without this.
    env: { COMPARO_DEFAULT_MODEL: 'builtin' },
  },
});
