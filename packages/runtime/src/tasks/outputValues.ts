// A model output as float values with its dims, whichever float type the model emits (float16 arrives as
// raw half bits and is widened here), checked to exist and to have the rank a task reads.
import { PareError } from '@pare/errors';
import type { HostTensor } from '../backend/inferenceBackend';
import { halfToFloat } from '../bytes/float16';
import type { Manifest } from '../manifest';

export interface FloatOutput {
  name: string;
  dims: readonly number[];
  data: ArrayLike<number>;
}

export function floatOutput(manifest: Manifest, outputs: Record<string, HostTensor>, name: string | undefined, ranks: readonly number[]): FloatOutput {
  const outputName = name ?? manifest.outputs[0]!.name;
  const t = outputs[outputName];
  if (!t) throw new PareError('manifest_mismatch', `The model gave no output "${outputName}" (it gave: ${Object.keys(outputs).join(', ')}).`, { status: 500 });
  if (!ranks.includes(t.dims.length)) {
    throw new PareError('manifest_mismatch', `Output "${outputName}" has rank ${t.dims.length} ([${t.dims.join(', ')}]); this task reads rank ${ranks.join(' or ')}.`, { status: 500 });
  }
  if (t.type === 'float32' || t.type === 'float64') return { name: outputName, dims: t.dims, data: t.data as ArrayLike<number> };
  if (t.type === 'float16') return { name: outputName, dims: t.dims, data: Array.from(t.data as ArrayLike<number>, halfToFloat) };
  throw new PareError('manifest_mismatch', `Output "${outputName}" is ${t.type}; this task reads float scores.`, { status: 500 });
}
