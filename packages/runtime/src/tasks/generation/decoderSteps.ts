// A decoder LM stepped through a sequence. With a key/value cache (manifest.generation.cache) every feed runs
// only the new tokens and hands the model the presents of the run before; without one, every feed recomputes
// the whole sequence so far (the cost `pare inspect` states). position_ids, when the model takes them, count
// from the sequence's first token; the attention mask covers every token so far (one row: nothing is padded).
import { PareError } from '@pare/errors';
import type { Feeds, HostTensor, InferenceSession } from '../../backend/inferenceBackend';
import type { GenerationSpec, Manifest } from '../../manifest';
import { floatOutput } from '../outputValues';
import { requirePreprocess } from '../textBatchFeeds';

/** Logits of consecutive positions, one vocabulary-wide row each. */
export interface LogitRows {
  rows: number;
  vocab: number;
  row(i: number): ArrayLike<number>;
}

export function requireGeneration(manifest: Manifest): GenerationSpec {
  const spec = manifest.generation;
  if (manifest.task !== 'text-generation' || !spec) {
    throw new PareError('task_mismatch', `Variant "${manifest.model}/${manifest.variant}" is a ${manifest.task} model; generating and scoring text need a text-generation variant.`, { status: 400, details: { task: manifest.task } });
  }
  return spec;
}

/**
 * An integer tensor in the dtype the manifest declares for `name` (int64 unless it says int32), element i being
 * value(i). Filled in place: a decode step makes these for every token, so no intermediate arrays.
 */
export function intFeed(manifest: Manifest, name: string, dims: readonly number[], length: number, value: (i: number) => number): HostTensor {
  const dtype = manifest.inputs.find((i) => i.name === name)?.dtype;
  if (dtype === 'int32') {
    const data = new Int32Array(length);
    for (let i = 0; i < length; i++) data[i] = value(i);
    return { type: 'int32', dims, data };
  }
  const data = new BigInt64Array(length);
  for (let i = 0; i < length; i++) data[i] = BigInt(value(i));
  return { type: 'int64', dims, data };
}

/** Zero-length past tensors for `batch` rows: the first run of a cached decoder sees no history (none for other models). */
export function emptyCache(spec: GenerationSpec | undefined, batch: number): Feeds {
  const cache = spec?.cache;
  if (!cache) return {};
  const dims = [batch, cache.heads, 0, cache.headDim];
  const tensor = (): HostTensor => (cache.dtype === 'float16' ? { type: 'float16', dims, data: new Uint16Array(0) } : { type: 'float32', dims, data: new Float32Array(0) });
  return Object.fromEntries(cache.pairs.map((p) => [p.past, tensor()]));
}

export class DecoderSteps {
  /** Tokens fed so far. */
  readonly ids: number[] = [];
  private past: Feeds;
  private readonly spec: GenerationSpec;

  constructor(private readonly manifest: Manifest, private readonly session: InferenceSession) {
    this.spec = requireGeneration(manifest);
    this.past = emptyCache(this.spec, 1);
  }

  get cached(): boolean {
    return this.spec.cache !== undefined;
  }

  /** Run `tokens` after those fed before; the logits of each of them (row i predicts the token after tokens[i]). */
  async feed(tokens: readonly number[]): Promise<LogitRows> {
    if (tokens.length === 0) throw new PareError('input_invalid', 'Nothing to feed the decoder.', { status: 400 });
    const start = this.ids.length;
    if (start + tokens.length > this.spec.maxPositions) {
      throw new PareError('input_invalid', `${start + tokens.length} tokens do not fit the model's ${this.spec.maxPositions} positions.`, { status: 400, details: { maxPositions: this.spec.maxPositions } });
    }
    this.ids.push(...tokens);
    const pre = requirePreprocess(this.manifest);
    const fed = this.cached ? tokens : this.ids;
    const first = this.cached ? start : 0;
    const total = this.ids.length;
    const n = fed.length;
    const feeds: Feeds = { [pre.idsInput]: intFeed(this.manifest, pre.idsInput, [1, n], n, (i) => fed[i]!), ...this.past };
    if (pre.maskInput) feeds[pre.maskInput] = intFeed(this.manifest, pre.maskInput, [1, total], total, () => 1);
    if (pre.positionIdsInput) feeds[pre.positionIdsInput] = intFeed(this.manifest, pre.positionIdsInput, [1, n], n, (i) => first + i);
    if (pre.typeIdsInput) feeds[pre.typeIdsInput] = intFeed(this.manifest, pre.typeIdsInput, [1, n], n, () => 0);
    const outputs = await this.session.run(feeds);
    if (this.spec.cache) {
      const next: Feeds = {};
      for (const { past, present } of this.spec.cache.pairs) {
        const t = outputs[present];
        if (!t) throw new PareError('manifest_mismatch', `The model gave no cache output "${present}" (it gave: ${Object.keys(outputs).join(', ')}).`, { status: 500 });
        next[past] = t;
      }
      this.past = next;
    }
    const logits = floatOutput(this.manifest, outputs, this.spec.logits, [3]);
    const [, seq = 0, vocab = 0] = logits.dims;
    // The recomputed sequence's last `tokens.length` rows are the new ones.
    const skip = seq - tokens.length;
    const data = logits.data;
    const view = (i: number): ArrayLike<number> =>
      ArrayBuffer.isView(data) ? (data as unknown as Float32Array).subarray((skip + i) * vocab, (skip + i + 1) * vocab) : Array.prototype.slice.call(data, (skip + i) * vocab, (skip + i + 1) * vocab);
    return { rows: tokens.length, vocab, row: view };
  }
}
