// Channel means of activations for bias correction (quantize/biasCorrection.ts): the model runs on the samples
// with the wanted values added as outputs (calibrationModel.ts), and each is averaged per channel. Graph inputs
// are read from the samples themselves.
import type { Feeds, InferenceBackend } from '@pare/runtime';
import { encodeModel, type Model } from '@pare/onnx';
import { addChannelMeans, biasCorrectionTargets, meanKey, type ChannelMeans, type MeanTarget } from '../quantize/biasCorrection';
import { calibrationModel } from './calibrationModel';

export async function measureChannelMeans(model: Model, samples: readonly Feeds[], backend: InferenceBackend, options: { targets?: MeanTarget[]; signal?: AbortSignal } = {}): Promise<ChannelMeans> {
  const targets = options.targets ?? biasCorrectionTargets(model.graph!);
  if (targets.length === 0 || samples.length === 0) return {};
  const inputs = new Set(model.graph!.input.map((i) => i.name ?? ''));
  const computed = [...new Set(targets.map((t) => t.value).filter((v) => !inputs.has(v)))];
  const session = await backend.createSession(encodeModel(calibrationModel(model, computed)));
  const sums = new Map<string, { sums: Float64Array; count: number }>();
  try {
    for (const sample of samples) {
      options.signal?.throwIfAborted();
      const out = computed.length ? await session.run(sample) : {};
      for (const t of targets) {
        const tensor = inputs.has(t.value) ? sample[t.value] : out[t.value];
        if (!tensor || typeof tensor.data[0] === 'bigint' || !tensor.type.startsWith('float')) continue;
        const key = meanKey(t.value, t.axis);
        const before = sums.get(key);
        if (before && before.sums.length !== tensor.dims[t.axis === 'channel' ? 1 : tensor.dims.length - 1]) continue;
        const added = addChannelMeans(before?.sums, tensor.data as ArrayLike<number>, tensor.dims, t.axis);
        sums.set(key, { sums: added.sums, count: (before?.count ?? 0) + added.count });
      }
    }
  } finally {
    await session.release();
  }
  const means: ChannelMeans = {};
  for (const [key, { sums: s, count }] of sums) if (count > 0) means[key] = Float32Array.from(s, (v) => v / count);
  return means;
}
