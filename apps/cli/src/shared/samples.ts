// Sample inputs for evaluation and calibration: a user's inputs file, or inputs generated from the model's
// input metadata with a fixed seed (so two runs of `pare eval` compare the same numbers).
import { generateInputs, parseInputsFile, type Feeds, type InputsFile } from '@pare/runtime';
import { nodeBackend } from '@pare/runtime/node';
import { readTextFile } from './modelFile';

export interface SampleOptions {
  inputsFile?: string;
  count?: number;
  seed?: number;
  dims?: Record<string, number>;
}

export interface Samples extends InputsFile {
  /** Where they came from, for reports: the file, or "generated (seed 42, 4 samples)". */
  source: string;
}

export async function loadSamples(modelBytes: Uint8Array, options: SampleOptions): Promise<Samples> {
  const session = await nodeBackend.createSession(modelBytes);
  const inputs = session.inputs;
  await session.release();
  if (options.inputsFile) {
    const file = parseInputsFile(await readTextFile(options.inputsFile, 'inputs file'), inputs);
    return { ...file, source: options.inputsFile };
  }
  const seed = options.seed ?? 42;
  const count = options.count ?? 4;
  const samples: Feeds[] = generateInputs(inputs, { seed, count, dims: options.dims });
  const shape = Object.values(samples[0]!).map((t) => `[${t.dims.join('×')}]`).join(' ');
  return { samples, source: `generated (seed ${seed}, ${count} samples, ${shape})` };
}
