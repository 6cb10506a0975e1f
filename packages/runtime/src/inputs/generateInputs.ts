import { PareError } from '@pare/errors';
import type { Feeds, ValueInfo } from '../backend/inferenceBackend';
import { hostTensor } from './hostTensor';
import { seededRandom, type SeededRandom } from './seededRandom';

/** What a model's graph needs of generated inputs; read by inputHints.ts (kept here, free of @pare/onnx, for the edge). */
export interface InputHint {
  /** Smallest size per axis that the graph accepts; 0 where no need is known. */
  minDims: number[];
  /** Per axis, the product of the strides applied to it (sizes are rounded up to a multiple); 1 if none. */
  multiples: number[];
  /** [low, high) for an integer input that indexes a table. */
  intRange?: [number, number];
  /** A value the graph compares an integer input with (Silero VAD branches on `sr == 16000`): generated inputs take it. */
  intValue?: number;
}

export interface InputHints {
  inputs: Record<string, InputHint>;
  /** Sizes of named dimensions that the model's metadata states (a `samples` key of 16000, say). */
  dims: Record<string, number>;
}

export interface GenerateInputsOptions {
  /** How many samples (feed sets). Default 4. */
  count?: number;
  /** Seed of the generator; the same seed gives the same inputs everywhere. Default 42. */
  seed?: number;
  /** Sizes for symbolic dimensions, by their name ("batch", "p2o.DynamicDimension.1"…). */
  dims?: Record<string, number>;
  /** Whole shapes by input name; wins over `dims`. */
  shapes?: Record<string, number[]>;
  /** Range of float inputs. Default [-1, 1]: what normalised images and features look like. */
  floatRange?: [number, number];
  /** Range [low, high) of integer inputs (token ids, indices). Default [0, 100), or the table an input indexes. */
  intRange?: [number, number];
  /** What the graph needs of its inputs (inputHints): minimum sizes, stride multiples, index ranges. */
  hints?: InputHints;
  /** Scale of the dynamic dimensions nobody named (1, 2, 4…): a retry after a run failed on a generated shape. */
  growth?: number;
}

/** Size given to a dynamic dimension nobody named: the leading one is the batch (1); others get 64, a
 * size that conv stacks with several stride-2 stages still accept and that keeps runs quick, or more on a
 * strided axis (MIN_DEEPEST_MAP). */
const DEFAULT_BATCH = 1;
const DEFAULT_DYNAMIC_DIM = 64;
/** A strided axis is sized so that its deepest feature map is at least this long (224 px for a stride-32 net,
 * as ImageNet models are fed): on smaller ones zero padding dominates what the deep layers see, and the channel
 * means measured there (bias correction) and the fidelity judged there stop resembling any real input's. */
const MIN_DEEPEST_MAP = 7;

/** Concrete shape of an input: fixed dims kept, dynamic ones from options, the graph's needs or the defaults above. */
export function resolveShape(input: ValueInfo, options: GenerateInputsOptions = {}): number[] {
  const given = options.shapes?.[input.name];
  if (given) return [...given];
  const hint = options.hints?.inputs[input.name];
  return input.shape.map((d, axis) => {
    if (typeof d === 'number' && d > 0) return d;
    const named = typeof d === 'string' ? (options.dims?.[d] ?? options.hints?.dims[d]) : undefined;
    if (named !== undefined) return named;
    const needed = hint?.minDims[axis] ?? 0;
    if (axis === 0 && needed <= 1) return DEFAULT_BATCH;
    const multiple = hint?.multiples[axis] ?? 1;
    const deepest = multiple > 1 ? MIN_DEEPEST_MAP * multiple : 0;
    const size = Math.max(DEFAULT_DYNAMIC_DIM, needed, deepest) * (options.growth ?? 1);
    return Math.ceil(size / multiple) * multiple;
  });
}

/**
 * One size per dimension name across inputs (ids and mask share "sequence"): the largest any input needs,
 * except that a name some input has as its leading axis is a batch, sized as that axis is (Silero VAD's
 * state is [2, batch, 64]).
 */
function sharedDims(inputs: readonly ValueInfo[], options: GenerateInputsOptions): Record<string, number> {
  const dims: Record<string, number> = { ...options.dims };
  const sizes = new Map<string, number>();
  const leading = new Map<string, number>();
  for (const input of inputs) {
    const shape = resolveShape(input, options);
    input.shape.forEach((d, axis) => {
      if (typeof d !== 'string' || options.dims?.[d] !== undefined) return;
      sizes.set(d, Math.max(sizes.get(d) ?? 0, shape[axis]!));
      if (axis === 0) leading.set(d, Math.max(leading.get(d) ?? 0, shape[axis]!));
    });
  }
  for (const [name, size] of sizes) dims[name] = leading.get(name) ?? size;
  return dims;
}

/** Inputs made from a model's input metadata with a fixed seed, dtype-aware. */
export function generateInputs(inputs: readonly ValueInfo[], options: GenerateInputsOptions = {}): Feeds[] {
  const random = seededRandom(options.seed ?? 42);
  const count = options.count ?? 4;
  const resolved = { ...options, dims: sharedDims(inputs, options) };
  const samples: Feeds[] = [];
  for (let s = 0; s < count; s++) {
    const feeds: Feeds = {};
    for (const input of inputs) {
      if (!input.type) throw new PareError('input_type_unsupported', `Input "${input.name}" is not a tensor; give an inputs file instead.`);
      const dims = resolveShape(input, resolved);
      const n = dims.reduce((a, b) => a * b, 1);
      const hint = options.hints?.inputs[input.name];
      const intRange: [number, number] | undefined = options.intRange ?? (hint?.intValue !== undefined ? [hint.intValue, hint.intValue + 1] : hint?.intRange);
      feeds[input.name] = hostTensor(input.type, dims, valuesFor(input.type, n, random, { ...options, intRange }));
    }
    samples.push(feeds);
  }
  return samples;
}

function valuesFor(type: string, n: number, random: SeededRandom, options: GenerateInputsOptions): Float64Array {
  const out = new Float64Array(n);
  if (type === 'bool') {
    for (let i = 0; i < n; i++) out[i] = random.next() < 0.5 ? 0 : 1;
  } else if (type.startsWith('float')) {
    const [lo, hi] = options.floatRange ?? [-1, 1];
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * random.next();
  } else {
    const [lo, hi] = options.intRange ?? [0, 100];
    for (let i = 0; i < n; i++) out[i] = lo + Math.floor((hi - lo) * random.next());
  }
  return out;
}
