import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The machines running this are small and shared: one test file at a time.
    fileParallelism: false,
  },
});
