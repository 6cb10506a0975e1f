// What a caller of a model relies on, whichever variant answers: its inputs, its outputs and its labels. A new
// variant must offer the same interface as the variants serving the model, or its share of the traffic would
// get other answers (or 400s) than the rest.
import { PareError } from '@pare/errors';
import type { Manifest, TensorSpec } from '@pare/runtime';

const shapeText = (t: TensorSpec): string => `[${t.shape.join(', ')}]`;

/** Same rank, and no dimension that both fix to different sizes (symbolic dimensions match anything). */
function shapesAgree(a: TensorSpec, b: TensorSpec): boolean {
  return a.shape.length === b.shape.length && a.shape.every((d, i) => {
    const e = b.shape[i]!;
    return typeof d !== 'number' || d < 0 || typeof e !== 'number' || e < 0 || d === e;
  });
}

function tensorsDiffer(kind: 'input' | 'output', mine: readonly TensorSpec[], theirs: readonly TensorSpec[], compareShape: (a: TensorSpec, b: TensorSpec) => boolean): string | undefined {
  const names = (ts: readonly TensorSpec[]) => ts.map((t) => t.name).sort().join(', ');
  if (names(mine) !== names(theirs)) return `${kind}s ${names(mine) || '(none)'} instead of ${names(theirs) || '(none)'}`;
  for (const t of mine) {
    const other = theirs.find((o) => o.name === t.name)!;
    if (t.dtype !== other.dtype) return `${kind} "${t.name}" is ${t.dtype} instead of ${other.dtype}`;
    if (!compareShape(t, other)) return `${kind} "${t.name}" has shape ${shapeText(t)} instead of ${shapeText(other)}`;
  }
  return undefined;
}

/** How the manifest's interface differs from a serving variant's, or undefined when callers cannot tell them apart. */
export function interfaceDifference(mine: Manifest, theirs: Manifest): string | undefined {
  const labels = (m: Manifest) => (m.postprocess?.labels ?? []).join(', ');
  return (
    tensorsDiffer('input', mine.inputs, theirs.inputs, shapesAgree) ??
    // Outputs: name, dtype and rank; a size fixed in one graph may be symbolic in another's export.
    tensorsDiffer('output', mine.outputs, theirs.outputs, (a, b) => a.shape.length === b.shape.length) ??
    (labels(mine) !== labels(theirs) ? `labels [${labels(mine)}] instead of [${labels(theirs)}]` : undefined)
  );
}

/** 409 interface_mismatch unless the manifest matches every serving variant. */
export function requireSameInterface(manifest: Manifest, serving: ReadonlyArray<{ name: string; manifest: Manifest }>): void {
  for (const other of serving) {
    const difference = interfaceDifference(manifest, other.manifest);
    if (difference) {
      throw new PareError(
        'interface_mismatch',
        `Variant "${manifest.model}/${manifest.variant}" does not match "${manifest.model}/${other.name}", which serves the model: ${difference}. Deploy it as another model, or pass --new-model (form field newModel=true) to accept it anyway.`,
        { status: 409, details: { field: 'manifest', variant: other.name } },
      );
    }
  }
}
