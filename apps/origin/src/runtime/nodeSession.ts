import * as ort from 'onnxruntime-node';
import { PareError } from '@pare/errors';

// The one module that imports onnxruntime-node (a seam the lead may move into @pare/runtime). It creates a
// session on the requested execution provider and falls back to CPU, with a warning, where that provider
// cannot start (CUDA libraries not installed, no WebGPU adapter…).

export type ExecutionProvider = 'cpu' | 'cuda' | 'webgpu';
export type Session = ort.InferenceSession;
export type OrtTensor = ort.Tensor;
export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

export interface NodeSessionOptions {
  executionProvider: ExecutionProvider;
  intraOpNumThreads: number;
}

export interface NodeSession {
  session: Session;
  /** The provider that actually runs the session. */
  executionProvider: ExecutionProvider;
}

export async function createNodeSession(model: Uint8Array, options: NodeSessionOptions, warn: (message: string) => void): Promise<NodeSession> {
  const sessionOptions = { intraOpNumThreads: options.intraOpNumThreads, interOpNumThreads: 1, graphOptimizationLevel: 'all' as const, logSeverityLevel: 3 as const };
  if (options.executionProvider !== 'cpu') {
    try {
      // onnxruntime's process-wide logger also prints the load failure to stderr; the job log gets the warning below.
      const session = await ort.InferenceSession.create(model, { ...sessionOptions, executionProviders: [options.executionProvider] });
      return { session, executionProvider: options.executionProvider };
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      warn(`Execution provider "${options.executionProvider}" is not available here (${reason}); falling back to cpu.`);
    }
  }
  try {
    const session = await ort.InferenceSession.create(model, { ...sessionOptions, executionProviders: ['cpu'] });
    return { session, executionProvider: 'cpu' };
  } catch (cause) {
    throw new PareError('model_load_failed', `onnxruntime could not load the model: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export function createTensor(type: string, data: TensorData, dims: readonly number[]): OrtTensor {
  return new ort.Tensor(type as 'float32', data as Float32Array, dims);
}
