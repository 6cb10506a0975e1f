// feature-extraction: token states [batch, tokens, dim] → one vector per text, pooled over the attention
// mask (mean, the [CLS] row, or max) and L2-normalised as the manifest's `embedding` says, the way
// sentence-transformers' Pooling and Normalize modules do; a model that already outputs [batch, dim] is
// only normalised.
import { PareError } from '@pare/errors';
import type { HostTensor } from '../backend/inferenceBackend';
import type { Manifest } from '../manifest';
import type { EncodedBatch } from '../text/textTokenizer';
import { floatOutput } from './outputValues';

/** Smallest mask sum and norm divided by (sentence-transformers' and torch's clamps). */
const MIN_COUNT = 1e-9;
const MIN_NORM = 1e-12;

function pool(data: ArrayLike<number>, mask: BigInt64Array, row: number, tokens: number, dim: number, pooling: 'mean' | 'cls' | 'max'): Float64Array {
  const out = new Float64Array(dim);
  const base = row * tokens * dim;
  if (pooling === 'cls') {
    for (let d = 0; d < dim; d++) out[d] = data[base + d]!;
    return out;
  }
  if (pooling === 'max') out.fill(Number.NEGATIVE_INFINITY);
  let count = 0;
  for (let t = 0; t < tokens; t++) {
    if (mask[row * tokens + t] === 0n) continue;
    count++;
    for (let d = 0; d < dim; d++) {
      const v = data[base + t * dim + d]!;
      if (pooling === 'mean') out[d]! += v;
      else if (v > out[d]!) out[d] = v;
    }
  }
  if (pooling === 'mean') for (let d = 0; d < dim; d++) out[d]! /= Math.max(count, MIN_COUNT);
  else if (count === 0) out.fill(0);
  return out;
}

function normalize(v: Float64Array): Float64Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.max(Math.sqrt(sum), MIN_NORM);
  return v.map((x) => x / norm);
}

export function embedOutputs(manifest: Manifest, outputs: Record<string, HostTensor>, encoded: EncodedBatch, texts: readonly string[]): number[][] {
  const spec = manifest.embedding ?? { pooling: 'mean' as const, normalize: true, output: undefined };
  const states = floatOutput(manifest, outputs, spec.output, [2, 3]);
  const pooled = states.dims.length === 2;
  if (!pooled && spec.pooling === 'none') {
    throw new PareError('manifest_invalid', `embedding.pooling is "none" but output "${states.name}" is per token ([${states.dims.join(', ')}]); set mean, cls or max.`, { details: { field: 'embedding.pooling' } });
  }
  const dim = states.dims[states.dims.length - 1]!;
  const tokens = pooled ? 1 : states.dims[1]!;
  if (!pooled && tokens !== encoded.dims[1]) {
    throw new PareError('manifest_mismatch', `Output "${states.name}" has ${tokens} positions per text but the rows fed had ${encoded.dims[1]}.`, { status: 500 });
  }
  return texts.map((_, row) => {
    const v = pooled ? Float64Array.from(Array.prototype.slice.call(states.data, row * dim, (row + 1) * dim) as number[]) : pool(states.data, encoded.attentionMask, row, tokens, dim, spec.pooling as 'mean' | 'cls' | 'max');
    return Array.from(spec.normalize ? normalize(v) : v);
  });
}
