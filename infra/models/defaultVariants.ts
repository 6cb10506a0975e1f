// The default model `npm run dev` deploys: Pare builds an MLP (fp32) and compresses it with its own
// dynamic int8 quantizer, so the edge starts with two real variants of one model to split traffic between.
import { decodeModel, encodeModel } from '@pare/onnx';
import { quantizeDynamicInt8 } from '@pare/compress';
import type { Manifest } from '@pare/runtime';
import { variantManifest } from '@pare/runtime/manifest-builder';
import { buildMlpBytes, DEFAULT_MLP } from './defaultMlp';

export const DEFAULT_MODEL_NAME = 'pare-mlp';

export interface BuiltVariant {
  variant: string;
  bytes: Uint8Array;
  manifest: Manifest;
}

export async function buildDefaultVariants(): Promise<BuiltVariant[]> {
  const fp32 = buildMlpBytes(DEFAULT_MLP);
  const { model: quantized, report } = quantizeDynamicInt8(decodeModel(fp32).model, { perChannel: true });
  const int8 = encodeModel(quantized);
  const classes = DEFAULT_MLP.widths[DEFAULT_MLP.widths.length - 1]!;
  const io = {
    inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', DEFAULT_MLP.widths[0]!] }],
    outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', classes] }],
  };
  const createdAt = '2026-11-28T00:00:00.000Z';
  return [
    {
      variant: 'fp32',
      bytes: fp32,
      manifest: await variantManifest(fp32, {
        model: DEFAULT_MODEL_NAME, variant: 'fp32', ...io,
        provenance: { source: `GraphBuilder MLP ${DEFAULT_MLP.widths.join('-')} seed ${DEFAULT_MLP.seed}`, passes: [], tool: 'pare 0.1.0', createdAt },
      }),
    },
    {
      variant: 'int8',
      bytes: int8,
      manifest: await variantManifest(int8, {
        model: DEFAULT_MODEL_NAME, variant: 'int8', ...io,
        provenance: { source: 'fp32', passes: [{ name: 'quantizeDynamicInt8', options: { ...(report.options as Record<string, unknown>) } }], tool: 'pare 0.1.0', createdAt },
      }),
    },
  ];
}
