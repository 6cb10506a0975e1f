import { defineConfig } from 'vitest/config';

// Explicit limits: vitest's 5 s default is too short for training and model runs on a loaded 2-core machine.
export default defineConfig({ test: { testTimeout: 120_000, hookTimeout: 120_000 } });
