// Does an uploaded manifest describe the model it comes with? Every name the manifest gives (inputs,
// outputs, the text pre- and post-processing tensors) must exist in the loaded session with the same
// dtype, and the labels must match a static output width; otherwise every request would fail later.
import { PareError } from '@pare/errors';
import { isTextTask, type InferenceSession, type Manifest, type ValueInfo } from '@pare/runtime';

export function manifestMismatch(message: string, field: string): PareError {
  return new PareError('manifest_mismatch', message, { status: 422, details: { field } });
}

function names(infos: readonly ValueInfo[]): string {
  return infos.map((i) => i.name).join(', ');
}

/** The output whose last dimension the labels name: postprocess.output, else the model's first. */
export function labelledOutput(manifest: Manifest, session: InferenceSession): string {
  return manifest.postprocess?.output ?? session.outputs[0]!.name;
}

export function checkManifestAgainstModel(manifest: Manifest, session: InferenceSession): void {
  const sides = [
    { kind: 'input', specs: manifest.inputs, model: session.inputs },
    { kind: 'output', specs: manifest.outputs, model: session.outputs },
  ] as const;
  for (const { kind, specs, model } of sides) {
    const missing = specs.filter((s) => !model.some((m) => m.name === s.name)).map((s) => s.name);
    if (missing.length > 0) throw manifestMismatch(`The manifest names ${kind}s the model does not have: ${missing.join(', ')} (the model's ${kind}s: ${names(model)}).`, `${kind}s`);
    for (const spec of specs) {
      const actual = model.find((m) => m.name === spec.name)!.type;
      if (actual !== spec.dtype) throw manifestMismatch(`The manifest says ${kind} "${spec.name}" is ${spec.dtype}, the model says ${actual ?? 'not a tensor'}.`, `${kind}s`);
    }
  }
  if (!isTextTask(manifest.task)) return;
  const pre = manifest.preprocess;
  const textInputs = [['preprocess.idsInput', pre?.idsInput], ['preprocess.maskInput', pre?.maskInput], ['preprocess.typeIdsInput', pre?.typeIdsInput], ['preprocess.positionIdsInput', pre?.positionIdsInput]] as const;
  for (const [field, name] of textInputs) {
    if (name !== undefined && !session.inputs.some((i) => i.name === name)) throw manifestMismatch(`${field} names "${name}", which is not an input of the model (inputs: ${names(session.inputs)}).`, field);
  }
  // A decoder's cache inputs are fed from its outputs (generation.cache): each present must be an output.
  const cache = manifest.generation?.cache?.pairs ?? [];
  for (const { past, present } of cache) {
    if (!session.outputs.some((o) => o.name === present)) throw manifestMismatch(`generation.cache feeds "${past}" from "${present}", which is not an output of the model (outputs: ${names(session.outputs)}).`, 'generation.cache');
  }
  // Every input must be filled: a text request has only the ones preprocess (and the cache) name.
  const filled = new Set([...textInputs.map(([, name]) => name).filter((n) => n !== undefined), ...cache.map((p) => p.past)]);
  const unfilled = session.inputs.filter((i) => !filled.has(i.name)).map((i) => i.name);
  if (pre && unfilled.length > 0) throw manifestMismatch(`The model takes inputs that text requests cannot fill: ${unfilled.join(', ')} (preprocess names ${[...filled].join(', ')}).`, 'preprocess');
  if (manifest.task === 'feature-extraction') return;
  const post = manifest.postprocess;
  if (!post) return;
  const outputName = labelledOutput(manifest, session);
  const output = session.outputs.find((o) => o.name === outputName);
  if (!output) throw manifestMismatch(`postprocess.output names "${outputName}", which is not an output of the model (outputs: ${names(session.outputs)}).`, 'postprocess.output');
  const width = output.shape[output.shape.length - 1];
  if (typeof width === 'number' && width > 0 && width !== post.labels.length) {
    throw manifestMismatch(`Output "${outputName}" has ${width} scores per text but postprocess.labels lists ${post.labels.length}.`, 'postprocess.labels');
  }
}
