import { PareError } from '@pare/errors';
import type { Manifest } from '../manifest';

/** The tensor names preprocess and postprocess use must be inputs and outputs of the model, or serving fails per request. */
export function checkManifestIo(manifest: Manifest): void {
  const inputs = manifest.inputs.map((t) => t.name);
  const outputs = manifest.outputs.map((t) => t.name);
  const uses = [
    { field: 'preprocess.idsInput', name: manifest.preprocess?.idsInput, among: inputs, kind: 'input' },
    { field: 'preprocess.maskInput', name: manifest.preprocess?.maskInput, among: inputs, kind: 'input' },
    { field: 'preprocess.typeIdsInput', name: manifest.preprocess?.typeIdsInput, among: inputs, kind: 'input' },
    { field: 'preprocess.positionIdsInput', name: manifest.preprocess?.positionIdsInput, among: inputs, kind: 'input' },
    { field: 'postprocess.output', name: manifest.postprocess?.output, among: outputs, kind: 'output' },
    { field: 'embedding.output', name: manifest.embedding?.output, among: outputs, kind: 'output' },
  ];
  for (const use of uses) {
    if (use.name === undefined || use.among.includes(use.name)) continue;
    throw new PareError(
      'manifest_invalid',
      `Invalid manifest: ${use.field} names "${use.name}", which is not an ${use.kind} of ${manifest.model}/${manifest.variant} (${use.kind}s: ${use.among.join(', ')}).`,
      { status: 400, details: { field: use.field } },
    );
  }
}
