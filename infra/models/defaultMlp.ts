// The default model of `npm run dev` until a trained model exists: an MLP built with Pare's own graph
// builder, deterministic pseudo-random weights (so every clone gets the same bytes and sha256).
import { GraphBuilder, encodeModel, type Model } from '@pare/onnx';
import { seededRandom as runtimeRandom } from '@pare/runtime';

export interface MlpShape {
  name: string;
  /** Layer widths, input first, classes last: e.g. [64, 256, 256, 10]. */
  widths: number[];
  seed: number;
}

export const DEFAULT_MLP: MlpShape = { name: 'pare-mlp', widths: [64, 256, 256, 10], seed: 20261128 };

/** Floats in [0, 1) from the project's one seeded generator (mulberry32, in @pare/runtime). */
export function seededRandom(seed: number): () => number {
  return runtimeRandom(seed).next;
}

/** input [batch, widths[0]] float32 → Gemm/Relu … → logits [batch, classes]. */
function buildMlp(shape: MlpShape = DEFAULT_MLP): Model {
  const random = seededRandom(shape.seed);
  const b = new GraphBuilder(shape.name);
  let x = b.input('input', 'float32', ['batch', shape.widths[0]!]);
  for (let layer = 1; layer < shape.widths.length; layer++) {
    const fanIn = shape.widths[layer - 1]!;
    const fanOut = shape.widths[layer]!;
    const scale = Math.sqrt(6 / (fanIn + fanOut));
    const w = b.initializer(`layer${layer}.weight`, 'float32', [fanIn, fanOut], Float32Array.from({ length: fanIn * fanOut }, () => (random() * 2 - 1) * scale));
    const bias = b.initializer(`layer${layer}.bias`, 'float32', [fanOut], Float32Array.from({ length: fanOut }, () => (random() * 2 - 1) * 0.1));
    const last = layer === shape.widths.length - 1;
    const y = b.node('Gemm', [x, w, bias], last ? { outputs: ['logits'] } : {})[0]!;
    x = last ? y : b.op('Relu', [y]);
  }
  b.output('logits', 'float32', ['batch', shape.widths[shape.widths.length - 1]!]);
  return b.build();
}

export function buildMlpBytes(shape: MlpShape = DEFAULT_MLP): Uint8Array {
  return encodeModel(buildMlp(shape));
}
