import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Generous: jobs run in child processes and the restart tests start real origins, on small shared machines.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // The machines running this are small and shared: one test file at a time.
    fileParallelism: false,
  },
});
