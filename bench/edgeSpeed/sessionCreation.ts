// What session creation costs in onnxruntime-web's wasm build (one thread, under Node) at each graph
// optimisation level, and from a model onnxruntime-node optimised ahead of time ('extended', written with
// optimizedModelFilePath) loaded with optimisation off: creation ms and steady run ms, interleaved rounds.
import type { Feeds, InferenceBackend } from '@pare/runtime';
import { nodeOptimizedModel } from '@pare/runtime/node';
import { webNodeBackendAt, type GraphOptimizationLevel } from '@pare/runtime/web-node';
import { median } from '../../apps/edge/bench/latencyStats';

export interface CreationRow {
  setting: string;
  bytes: number;
  createMs: number;
  runMs: number;
}

export async function sessionCreation(bytes: Uint8Array, feeds: Feeds, rounds: number): Promise<CreationRow[]> {
  const preOptimized = await nodeOptimizedModel(bytes);
  const at = (level: GraphOptimizationLevel) => webNodeBackendAt(level);
  const settings: Array<{ setting: string; bytes: Uint8Array; backend: InferenceBackend }> = [
    ...(['all', 'extended', 'basic', 'disabled'] as const).map((level) => ({ setting: `level '${level}'`, bytes, backend: at(level) })),
    { setting: "pre-optimised by onnxruntime-node ('extended'), loaded at 'disabled'", bytes: preOptimized, backend: at('disabled') },
    { setting: "pre-optimised by onnxruntime-node ('extended'), loaded at 'all'", bytes: preOptimized, backend: at('all') },
  ];
  const creates = settings.map((): number[] => []);
  const runs = settings.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < settings.length; i++) {
      const t0 = performance.now();
      const session = await settings[i]!.backend.createSession(settings[i]!.bytes);
      creates[i]!.push(performance.now() - t0);
      for (let k = 0; k < 6; k++) {
        const t1 = performance.now();
        await session.run(feeds);
        // The first runs after creation are slow; the last one of six stands for steady state.
        if (k === 5) runs[i]!.push(performance.now() - t1);
      }
      await session.release();
    }
  }
  return settings.map((s, i) => ({ setting: s.setting, bytes: s.bytes.byteLength, createMs: median(creates[i]!), runMs: median(runs[i]!) }));
}
