import { defineConfig } from 'vitest/config';

// The CLI tests spawn `pare` on real models (each run loads onnxruntime-node and the wasm build).
export default defineConfig({ test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } });
