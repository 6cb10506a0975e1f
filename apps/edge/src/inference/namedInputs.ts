// `{ "inputs": { "<name>": nested array } }` → feeds, checked against the manifest's declared inputs.
import { PareError } from '@pare/errors';
import type { Feeds, InferenceSession, Manifest } from '@pare/runtime';
import { flattenNested, fromHostTensor, nest, toHostTensor } from './tensorCodec';
import { checkTokenIds } from './tokenIds';

export function feedsFromNamedInputs(manifest: Manifest, inputs: unknown): Feeds {
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
    throw new PareError('input_invalid', '"inputs" must be an object from input name to a (nested) array.', { status: 400, details: { field: 'inputs' } });
  }
  const given = inputs as Record<string, unknown>;
  const declared = manifest.inputs.map((i) => i.name);
  for (const name of Object.keys(given)) {
    if (!declared.includes(name)) {
      throw new PareError('input_invalid', `Unknown input "${name}"; this model takes ${declared.map((d) => `"${d}"`).join(', ')}.`, { status: 400, details: { field: `inputs.${name}` } });
    }
  }
  const feeds: Feeds = {};
  for (const spec of manifest.inputs) {
    if (!(spec.name in given)) throw new PareError('input_invalid', `Missing input "${spec.name}" (${spec.dtype}, shape [${spec.shape.join(', ')}]).`, { status: 400, details: { field: `inputs.${spec.name}` } });
    const { shape, data } = flattenNested(given[spec.name], spec.name);
    feeds[spec.name] = toHostTensor(spec, shape, data);
  }
  checkTokenIds(manifest, feeds);
  return feeds;
}

/** Run and return every output as `{ dtype, shape, data (nested) }`. */
export async function runNamed(session: InferenceSession, feeds: Feeds): Promise<{ outputs: Record<string, { dtype: string; shape: number[]; data: unknown }>; inferMs: number }> {
  const started = performance.now();
  const results = await session.run(feeds);
  const inferMs = performance.now() - started;
  const outputs: Record<string, { dtype: string; shape: number[]; data: unknown }> = {};
  for (const { name } of session.outputs) {
    const flat = fromHostTensor(results[name]!);
    outputs[name] = { dtype: flat.dtype, shape: flat.shape, data: nest(flat.data, flat.shape) };
  }
  return { outputs, inferMs };
}
