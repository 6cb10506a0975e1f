// An audio front end with a dynamic sample axis: raw samples [batch, samples] → a 512-tap conv at hop 160 →
// Relu → a 3-tap conv at stride 2. Generated inputs of the old default length (64 samples) cannot run it;
// the input-generation tests (packages/runtime) and the fitter tests (packages/compress) build it.
import { GraphBuilder } from '../src/graphBuilder';
import type { Model } from '../src/types';

/** Seeded smooth weights (a sine), scaled, so the model's outputs are stable across runs. */
function waves(n: number, scale: number, phase: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + phase) * scale * (0.5 + ((i * 7919) % 101) / 101));
}

export function audioFrontEnd(options: { filters?: number; channels?: number } = {}): Model {
  const filters = options.filters ?? 16;
  const channels = options.channels ?? 8;
  const b = new GraphBuilder('audio_front_end', { opset: 17 });
  const x = b.input('audio', 'float32', ['batch', 'samples']);
  const axes = b.initializer('axes', 'int64', [1], BigInt64Array.from([1n]));
  const w1 = b.initializer('frontend.w', 'float32', [filters, 1, 512], waves(filters * 512, 0.05, 0));
  const w2 = b.initializer('conv2.w', 'float32', [channels, filters, 3], waves(channels * filters * 3, 0.3, 1));
  const h = b.op('Relu', [b.op('Conv', [b.op('Unsqueeze', [x, axes]), w1], { strides: [160] })]);
  b.output(b.op('Conv', [h, w2], { strides: [2] }), 'float32', ['batch', channels, 'frames']);
  return b.build();
}
