// `--manifest <file>`: a variant manifest (packages/runtime/src/manifest.ts) for the compressed model, so
// `pare deploy` can upload it as is: hash, sizes, inputs/outputs, the passes that made it, what it measured.
import path from 'node:path';
import { summarizeModel, type Model } from '@pare/onnx';
import { parseManifest, type ManifestInput } from '@pare/runtime';
import { writeFileAtomic } from '../shared/modelFile';
import type { CompressReport } from './compressReport';

interface ManifestSource {
  input: string;
  sourceBytes: Uint8Array;
  bytes: Uint8Array;
  model: Model;
  report: CompressReport;
}

export async function writeManifest(file: string, s: ManifestSource): Promise<void> {
  const summary = summarizeModel(s.model);
  const spec = (v: { name: string; dtype: string; shape: Array<number | string> | null }) => ({ name: v.name, dtype: v.dtype, shape: v.shape ?? [] });
  const [node, web] = [s.report.fidelity?.backends[0], s.report.fidelity?.backends[1]];
  const manifest: ManifestInput = {
    model: slug(path.basename(s.input, path.extname(s.input))),
    variant: slug(s.report.configuration.replace(/^fit: /, '')),
    sha256: await sha256(s.bytes),
    bytes: s.bytes.byteLength,
    gzipBytes: s.report.after.gzipBytes,
    parameters: summary.parameters.count,
    inputs: summary.inputs.map(spec),
    outputs: summary.outputs.map(spec),
    provenance: {
      source: path.basename(s.input),
      sourceSha256: await sha256(s.sourceBytes),
      passes: s.report.steps.map((step) => ({ name: step.step, options: {} })),
      tool: 'pare 0.1.0',
      createdAt: new Date().toISOString(),
    },
    metrics: {
      ...(node ? { fidelity: node.overall.cosineMean, nodeLatencyMs: node.candidate.runMs } : {}),
      ...(node?.overall.top1Agreement !== undefined ? { top1Agreement: node.overall.top1Agreement } : {}),
      ...(web ? { wasmLatencyMs: web.candidate.runMs } : {}),
    },
  };
  await writeFileAtomic(file, `${JSON.stringify(parseManifest(manifest), null, 2)}\n`);
}

/** A name the manifest accepts: lower-case letters, digits, dot, dash, underscore; at most 64 characters. */
function slug(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 64);
  return s || 'model';
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
