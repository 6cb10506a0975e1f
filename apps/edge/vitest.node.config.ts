// Edge tests that run in Node rather than workerd: they drive wrangler itself (the deploy guide's offline build).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // *.spec.ts, so that the workerd suite's *.test.ts pattern (vitest.config.ts) does not pick these up.
    include: ['test/node/**/*.spec.ts'],
    testTimeout: 240_000,
  },
});
