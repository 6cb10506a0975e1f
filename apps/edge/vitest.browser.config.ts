// Browser tests of the dashboard: Node drives Debian's Chromium (playwright-core) against the worker in
// local workerd (wrangler dev). Chromium at /usr/bin/chromium or $CHROMIUM_PATH (.ci/run installs it).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // *.spec.ts, so that the workerd suite's *.test.ts pattern (vitest.config.ts) does not pick these up.
    include: ['test/browser/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // One worker and one browser: the suite shares a single wrangler dev process.
    fileParallelism: false,
  },
});
