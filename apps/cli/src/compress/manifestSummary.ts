// `--manifest <file>`: a variant manifest (packages/runtime/src/manifest.ts) for the compressed model, so
// `pare deploy` can upload it as is: hash, sizes, inputs/outputs, the passes that made it, what it measured.
// With a source manifest it also carries the source's task, tokenizer, labels and provenance chain.
import path from 'node:path';
import type { Model } from '@pare/onnx';
import { sha256Hex, type Manifest } from '@pare/runtime';
import { compressedManifest, variantManifest } from '@pare/runtime/manifest-builder';
import { writeFileAtomic } from '../shared/modelFile';
import type { CompressReport } from './compressReport';

interface ManifestSource {
  input: string;
  sourceBytes: Uint8Array;
  /** The source model's own manifest, when it has one. */
  sourceManifest?: Manifest;
  bytes: Uint8Array;
  model: Model;
  report: CompressReport;
}

const TOOL = 'pare 0.1.0';

export async function writeManifest(file: string, s: ManifestSource): Promise<void> {
  const [node, web] = [s.report.fidelity?.backends[0], s.report.fidelity?.backends[1]];
  const variant = slug(s.report.configuration.replace(/^fit: /, ''));
  const passes = s.report.steps.map((step) => ({ name: step.step, options: {} }));
  const metrics = {
    ...(node ? { fidelity: node.overall.cosineMean, nodeLatencyMs: node.candidate.runMs } : {}),
    ...(node?.overall.top1Agreement !== undefined ? { top1Agreement: node.overall.top1Agreement } : {}),
    ...(web ? { wasmLatencyMs: web.candidate.runMs } : {}),
  };
  const manifest = s.sourceManifest
    ? await compressedManifest(s.sourceManifest, s.bytes, { variant, passes, metrics, provenance: { tool: TOOL } }, s.model)
    : await variantManifest(s.bytes, {
      model: slug(path.basename(s.input, path.extname(s.input))),
      variant,
      provenance: { source: path.basename(s.input), sourceSha256: await sha256Hex(s.sourceBytes), passes, tool: TOOL, createdAt: new Date().toISOString() },
      metrics,
    }, s.model);
  await writeFileAtomic(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** A name the manifest accepts: lower-case letters, digits, dot, dash, underscore; at most 64 characters. */
function slug(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 64);
  return s || 'model';
}
