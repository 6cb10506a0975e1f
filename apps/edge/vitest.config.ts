// Edge tests run inside workerd (the Workers vitest pool) with the root wrangler.toml's bindings: local D1
// (migrations applied in test/applyMigrations.ts), R2 and the metrics queue with its consumer.
import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { tsImport } from 'tsx/esm/api';
import type * as FixtureModule from './test/buildFixtures';

const root = path.resolve(import.meta.dirname, '../..');

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(root, 'infra/migrations'));
  // The fixtures import workspace TypeScript (@pare/onnx), which the config loader does not transpile: tsx does.
  const { buildFixtures } = (await tsImport('./test/buildFixtures.ts', import.meta.url)) as typeof FixtureModule;
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: path.join(root, 'wrangler.toml') },
        miniflare: {
          compatibilityFlags: ['nodejs_compat', 'enable_request_signal'],
          bindings: { ADMIN_TOKEN: 'test-admin-token-0123456789abcdef', TEST_MIGRATIONS: migrations, FIXTURES: JSON.parse(JSON.stringify(await buildFixtures())) as Record<string, never>, MAX_BODY_BYTES: '65536', MAX_NEW_TOKENS: '40' },
        },
      }),
    ],
    // Vite's root is the repository root so that node_modules (onnxruntime-web's wasm) lies inside it:
    // with apps/edge as root the pool cannot resolve the /@fs/ path of the CompiledWasm module.
    root,
    test: {
      include: ['apps/edge/src/**/*.test.ts', 'apps/edge/test/**/*.test.ts'],
      setupFiles: ['apps/edge/test/applyMigrations.ts'],
      // One file at a time: test/queueRetry.test.ts takes a D1 table away for a moment (and the machine has 2 cores).
      fileParallelism: false,
      // Generous: a loaded two-core CI machine compiles onnxruntime's wasm lazily on a file's first runs.
      testTimeout: 90_000,
      // The sampled per-inference log line is for the Tail Worker handler, not for test output.
      onConsoleLog: (log: string) => !log.includes('pare.inference'),
      hookTimeout: 90_000,
    },
  };
});
