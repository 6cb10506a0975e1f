// Sample inputs for evaluation, calibration and the fitter: a user's inputs file (real inputs), or inputs
// generated from the model with a fixed seed (so two runs of `pare eval` compare the same numbers), shaped by
// what the graph needs and checked to run (packages/runtime/src/inputs/generatedInputsThatRun.ts).
import { decodeModel, type Model } from '@pare/onnx';
import { parseInputsFile, type InputsFile } from '@pare/runtime';
import { generatedInputsThatRun } from '@pare/runtime/model-inputs';
import { nodeBackend } from '@pare/runtime/node';
import { readTextFile } from './modelFile';

export interface SampleOptions {
  inputsFile?: string;
  count?: number;
  seed?: number;
  dims?: Record<string, number>;
  /** The decoded model, when the caller has it (it is decoded from the bytes otherwise). */
  model?: Model;
}

export interface Samples extends InputsFile {
  /** Real inputs from a file, or generated ones: every report says which fidelity was measured on. */
  kind: 'real' | 'generated';
  /** Where they came from, for reports: the file, or "generated (seed 42, 4 samples, [1×3×64×64])". */
  source: string;
}

/** The seed of generated inputs unless one is given. */
export const GENERATED_SEED = 42;

export async function loadSamples(modelBytes: Uint8Array, options: SampleOptions): Promise<Samples> {
  const session = await nodeBackend.createSession(modelBytes);
  try {
    if (options.inputsFile) {
      const file = parseInputsFile(await readTextFile(options.inputsFile, 'inputs file'), session.inputs);
      return { ...file, kind: 'real', source: options.inputsFile };
    }
    const seed = options.seed ?? GENERATED_SEED;
    const count = options.count ?? 4;
    const model = options.model ?? decodeModel(modelBytes).model;
    const { samples } = await generatedInputsThatRun(model, session, { seed, count, dims: options.dims });
    const shape = Object.values(samples[0]!).map((t) => `[${t.dims.join('×')}]`).join(' ');
    return { samples, kind: 'generated', source: `generated (seed ${seed}, ${count} samples, ${shape})` };
  } finally {
    await session.release();
  }
}
