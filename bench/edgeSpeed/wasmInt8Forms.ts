// Which int8 form of a MatMul-heavy model onnxruntime-web's wasm build (one thread, under Node, the edge's
// runtime) runs fastest: every form gets its own session, then rounds run each session in turn on the same
// feeds (interleaved, so machine load hits all alike); reported per form: median ms, ratio to fp32 and the
// minimum output cosine to fp32 in the same runtime.
import { calibrate, quantizeDynamicInt8, quantizeStaticInt8, type QuantizeDynamicInt8Options } from '@pare/compress';
import { decodeModel, encodeModel, type Model } from '@pare/onnx';
import type { Feeds, HostTensor, InferenceSession } from '@pare/runtime';
import { nodeBackend } from '@pare/runtime/node';
import { webNodeBackend } from '@pare/runtime/web-node';
import { median } from '../../apps/edge/bench/latencyStats';

export interface FormRow {
  form: string;
  bytes: number;
  ms: number;
  ratio: number;
  cosine: number;
}

const DYNAMIC_FORMS: Array<[string, QuantizeDynamicInt8Options]> = [
  ['int8-dynamic: DynamicQuantizeMatMul per-channel (Pare\'s default)', { form: 'dynamic-quantize-matmul', perChannel: true }],
  ['DynamicQuantizeMatMul per-tensor', { form: 'dynamic-quantize-matmul', perChannel: false }],
  ['DynamicQuantizeLinear + MatMulInteger per-channel', { form: 'matmul-integer', perChannel: true }],
  ['MatMulNBits bits=8 block 128 accuracy_level 4 (int8 compute)', { form: 'matmul-nbits', accuracyLevel: 4 }],
  ['MatMulNBits bits=8 block 128 accuracy_level 0 (fp32 compute)', { form: 'matmul-nbits', accuracyLevel: 0 }],
];

function flat(outputs: Record<string, HostTensor>): number[] {
  return Object.values(outputs).flatMap((t) => Array.from(t.data as ArrayLike<number>, Number));
}

function cosine(a: number[], b: number[]): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i]! * b[i]!; na += a[i]! ** 2; nb += b[i]! ** 2; }
  return dot / Math.sqrt(na * nb || 1);
}

/** The forms of `bytes` (an fp32 model): the dynamic forms above, and static QDQ calibrated on `feeds` (QLinearMatMul once fused). */
export async function int8Forms(bytes: Uint8Array, feeds: Feeds[]): Promise<Array<{ form: string; bytes: Uint8Array }>> {
  const model: Model = decodeModel(bytes).model;
  const forms = [{ form: 'fp32', bytes }];
  for (const [form, options] of DYNAMIC_FORMS) forms.push({ form, bytes: encodeModel(quantizeDynamicInt8(model, options).model) });
  const ranges = await calibrate(model, feeds, nodeBackend);
  forms.push({ form: 'static QDQ per-channel, int8 activations (fused to QLinearMatMul)', bytes: encodeModel(quantizeStaticInt8(model, { ranges, perChannel: true }).model) });
  return forms;
}

export async function compareInWasm(forms: Array<{ form: string; bytes: Uint8Array }>, feeds: Feeds, rounds: number): Promise<FormRow[]> {
  const sessions: InferenceSession[] = [];
  for (const f of forms) sessions.push(await webNodeBackend.createSession(f.bytes));
  try {
    const reference = flat(await sessions[0]!.run(feeds));
    const cosines: number[] = [];
    for (const s of sessions) {
      cosines.push(cosine(reference, flat(await s.run(feeds))));
      for (let i = 0; i < 4; i++) await s.run(feeds);
    }
    const times = sessions.map((): number[] => []);
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < sessions.length; i++) {
        const t0 = performance.now();
        await sessions[i]!.run(feeds);
        times[i]!.push(performance.now() - t0);
      }
    }
    const fp32 = median(times[0]!);
    return forms.map((f, i) => ({ form: f.form, bytes: f.bytes.byteLength, ms: median(times[i]!), ratio: median(times[i]!) / fp32, cosine: cosines[i]! }));
  } finally {
    for (const s of sessions) await s.release();
  }
}
