// Generated inputs the model actually runs on. The graph's needs (inputHints) give the first shapes; a run
// that still fails (a need the walk could not see, a reshape to a fixed length) is retried with larger dynamic
// dimensions, and if every size fails the error says that evaluation could not run: an inputs problem, not
// a verdict on the model or its budget.
import { PareError } from '@pare/errors';
import type { Model } from '@pare/onnx';
import type { Feeds, InferenceSession } from '../backend/inferenceBackend';
import { generateInputs, type GenerateInputsOptions } from './generateInputs';
import { inputHints } from './inputHints';

/** Growth of the unnamed dynamic dimensions tried in turn. */
const GROWTHS = [1, 2, 4, 8];

export interface RunnableInputs {
  samples: Feeds[];
  /** The growth that ran (1: the first shapes did). */
  growth: number;
}

export async function generatedInputsThatRun(model: Model, session: InferenceSession, options: GenerateInputsOptions = {}): Promise<RunnableInputs> {
  const hints = options.hints ?? inputHints(model);
  const failures: string[] = [];
  for (const growth of GROWTHS) {
    const samples = generateInputs(session.inputs, { ...options, hints, growth });
    try {
      await session.run(samples[0]!);
      return { samples, growth };
    } catch (e) {
      failures.push(`${shapes(samples[0]!)}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new PareError('eval_inputs_failed',
    `The model does not run on generated inputs of any size tried, so its fidelity cannot be measured. Tried ${failures.join('; ')}. ` +
    'Give real inputs in an inputs file, or the sizes of its dynamic dimensions.',
    { details: { failures } });
}

/** "x [1×3×64×64], ids [1×64]": the shapes of one sample, for messages and reports. */
export function shapes(feeds: Feeds): string {
  return Object.entries(feeds).map(([name, t]) => `${name} [${t.dims.join('×')}]`).join(', ');
}
