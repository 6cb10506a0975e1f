// The only module of Pare that imports onnxruntime-node. Node-only: never reachable from the package index.
import * as ort from 'onnxruntime-node';
import { createOrtSession, ortBackend, type OrtModule } from '../backend/ortAdapter';
import type { InferenceBackend, InferenceSession } from '../backend/inferenceBackend';

const nodeOrt = ort as unknown as OrtModule;
const NAME = 'onnxruntime-node';

/** onnxruntime-node on the CPU execution provider. */
export const nodeBackend: InferenceBackend = ortBackend(NAME, nodeOrt, {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  logSeverityLevel: 3,
});

export type ExecutionProvider = 'cpu' | 'cuda' | 'webgpu';

export interface NodeBackendOptions {
  executionProvider: ExecutionProvider;
  /** 0 lets onnxruntime pick (one per core). */
  intraOpNumThreads: number;
  /** Told, once per session, when the requested provider cannot start and the session falls back to cpu. */
  warn?: (message: string) => void;
}

export interface NodeInferenceSession extends InferenceSession {
  /** The provider that actually runs the session. */
  readonly executionProvider: ExecutionProvider;
}

export interface NodeBackend extends InferenceBackend {
  createSession(modelBytes: Uint8Array): Promise<NodeInferenceSession>;
}

/**
 * onnxruntime-node on the requested execution provider, falling back to cpu (with a warning) where that
 * provider cannot start: CUDA libraries not installed, no WebGPU adapter…
 */
export function createNodeBackend(options: NodeBackendOptions): NodeBackend {
  const base = { intraOpNumThreads: options.intraOpNumThreads, interOpNumThreads: 1, graphOptimizationLevel: 'all' as const, logSeverityLevel: 3 as const };
  return {
    name: NAME,
    async createSession(modelBytes) {
      if (options.executionProvider !== 'cpu') {
        try {
          // onnxruntime's process-wide logger also prints the load failure to stderr; `warn` gets the reason.
          return withProvider(await createOrtSession(NAME, nodeOrt, modelBytes, { ...base, executionProviders: [options.executionProvider] }), options.executionProvider);
        } catch (error) {
          const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
          const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
          options.warn?.(`Execution provider "${options.executionProvider}" is not available here (${reason}); falling back to cpu.`);
        }
      }
      return withProvider(await createOrtSession(NAME, nodeOrt, modelBytes, { ...base, executionProviders: ['cpu'] }), 'cpu');
    },
  };
}

function withProvider(session: InferenceSession, executionProvider: ExecutionProvider): NodeInferenceSession {
  return Object.assign(session, { executionProvider });
}

/**
 * The graph onnxruntime runs after its fusions (Attention, LayerNormalization, Gelu, SkipLayerNormalization,
 * DynamicQuantizeMatMul…), as ONNX bytes: `extended` is the highest level whose result is still a portable
 * model, and the wasm build applies the same CPU fusions, so a compression pass can be checked not to break them.
 */
export async function nodeOptimizedModel(modelBytes: Uint8Array): Promise<Uint8Array> {
  const { mkdtemp, readFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'pare-optimized-'));
  try {
    const file = join(dir, 'model.onnx');
    const session = await createOrtSession(NAME, nodeOrt, modelBytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'extended', logSeverityLevel: 3, optimizedModelFilePath: file });
    await session.release();
    return new Uint8Array(await readFile(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
