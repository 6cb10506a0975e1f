// The model calibration runs: the original with chosen intermediate values added as graph outputs, so one
// run returns the activations whose ranges the static pass needs. Pure; the running is injected (calibrate.ts).
import type { Model } from '@pare/onnx';

export function calibrationModel(model: Model, valueNames: readonly string[]): Model {
  const out = structuredClone(model);
  const graph = out.graph!;
  const present = new Set(graph.output.map((o) => o.name));
  for (const name of valueNames) {
    if (present.has(name)) continue;
    present.add(name);
    // No type: onnxruntime takes it from the producing node (onnxruntime's own calibrator does the same).
    graph.output.push({ name, metadata_props: [] });
  }
  return out;
}
