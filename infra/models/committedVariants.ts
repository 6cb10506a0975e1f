// Variants committed under infra/models/<model>/<variant>/{model.onnx,manifest.json} (the trained `spam`
// model that `npm run models` writes). `npm run dev` deploys whatever is there next to the built MLP.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseManifest, type Manifest } from '@pare/runtime';

export interface CommittedVariant {
  model: string;
  variant: string;
  bytes: Uint8Array;
  manifest: Manifest;
}

export function findCommittedVariants(modelsDir: string): CommittedVariant[] {
  const found: CommittedVariant[] = [];
  for (const model of readdirSync(modelsDir).sort()) {
    const modelDir = path.join(modelsDir, model);
    if (!statSync(modelDir).isDirectory()) continue;
    for (const variant of readdirSync(modelDir).sort()) {
      const dir = path.join(modelDir, variant);
      if (!statSync(dir).isDirectory() || !existsSync(path.join(dir, 'model.onnx')) || !existsSync(path.join(dir, 'manifest.json'))) continue;
      const manifest = parseManifest({ ...JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')), model, variant });
      found.push({ model, variant, bytes: new Uint8Array(readFileSync(path.join(dir, 'model.onnx'))), manifest });
    }
  }
  return found;
}

/** Equal integer weights summing to 100 (the first variants take the remainder). */
function equalSplit(variants: readonly string[]): Record<string, number> {
  const base = Math.floor(100 / variants.length);
  return Object.fromEntries(variants.map((v, i) => [v, base + (i < 100 % variants.length ? 1 : 0)]));
}

/** The dev traffic split of a committed model: equal over its variants, the teacher (if any) kept at 0. */
export function devSplit(variants: readonly string[]): Record<string, number> {
  const serving = variants.filter((v) => v !== 'teacher');
  const split = equalSplit(serving.length > 0 ? serving : variants);
  return Object.fromEntries(variants.map((v) => [v, split[v] ?? 0]));
}
