import { GraphBuilder, type Model } from '@pare/onnx';
import { LN_EPS, MASK_NEG } from '../model/forward';
import type { EncoderModel } from '../model/params';

// The encoder as an ONNX graph (opset 17), node for node the computation of model/forward.ts, from ops that
// onnxruntime-web's wasm build runs natively: Gather, MatMul, Add, LayerNormalization, Softmax, Relu, ReduceSum.
// Q, K and V are one MatMul against the concatenated weights then a Split: one GEMM instead of three.

export const IDS_INPUT = 'input_ids';
export const MASK_INPUT = 'attention_mask';
export const LOGITS_OUTPUT = 'logits';
const ONNX_OPSET = 17;
const FLOAT = 1;

/** Concatenate row-major [D, n_i] matrices along columns into [D, sum n_i]. */
function concatColumns(rowsCount: number, parts: { data: Float32Array; cols: number }[]): Float32Array {
  const total = parts.reduce((n, p) => n + p.cols, 0);
  const out = new Float32Array(rowsCount * total);
  for (let r = 0; r < rowsCount; r++) {
    let off = 0;
    for (const p of parts) { out.set(p.data.subarray(r * p.cols, r * p.cols + p.cols), r * total + off); off += p.cols; }
  }
  return out;
}

export function encoderToOnnx(model: EncoderModel, name = 'encoder-classifier'): Model {
  const { config: c, weights: w } = model;
  const L = c.maxLength, D = c.dModel, H = c.heads, dh = D / H, K = c.numLabels;
  const b = new GraphBuilder(name, { opset: ONNX_OPSET, producer: 'pare-distill' });
  const init = (n: string, dims: number[], data?: Float32Array) => b.initializer(n, 'float32', dims, data ?? w[n]!);
  const i64 = (n: string, values: number[]) => b.initializer(n, 'int64', [values.length], BigInt64Array.from(values.map(BigInt)));
  const f32 = (n: string, v: number) => b.initializer(n, 'float32', [], Float32Array.of(v));

  const ids = b.input(IDS_INPUT, 'int64', ['batch', L]);
  const maskIn = b.input(MASK_INPUT, 'int64', ['batch', L]);
  const one = f32('one', 1), neg = f32('mask_neg', MASK_NEG), scale = f32('attn_scale', 1 / Math.sqrt(dh));
  const headsShape = i64('shape_heads', [-1, L, H, dh]);
  const modelShape = i64('shape_model', [-1, L, D]);
  const qkvSplit = i64('qkv_split', [D, D, D]);
  const axes12 = i64('axes_1_2', [1, 2]);
  const axis1 = i64('axis_1', [1]);
  const axis2 = i64('axis_2', [2]);

  let x = b.op('Add', [b.op('Gather', [init('tok_emb', [c.vocabSize, D]), ids]), init('pos_emb', [L, D])]);
  const mask = b.op('Cast', [maskIn], { to: FLOAT });
  const bias = b.op('Unsqueeze', [b.op('Mul', [b.op('Sub', [mask, one]), neg]), axes12]);
  const layerNorm = (v: string, g: string, beta: string) =>
    b.op('LayerNormalization', [v, init(g, [D]), init(beta, [D])], { axis: -1, epsilon: { float: LN_EPS } });

  for (let i = 0; i < c.layers; i++) {
    const p = `h${i}.`;
    const h = layerNorm(x, `${p}ln1_g`, `${p}ln1_b`);
    const wqkv = init(`${p}wqkv`, [D, 3 * D], concatColumns(D, [{ data: w[`${p}wq`]!, cols: D }, { data: w[`${p}wk`]!, cols: D }, { data: w[`${p}wv`]!, cols: D }]));
    const bqkv = init(`${p}bqkv`, [3 * D], Float32Array.from([...w[`${p}bq`]!, ...w[`${p}bk`]!, ...w[`${p}bv`]!]));
    const [q, k, v] = b.node('Split', [b.op('Add', [b.op('MatMul', [h, wqkv]), bqkv]), qkvSplit], { attributes: { axis: 2 }, outputs: 3 }) as [string, string, string];
    const heads = (t: string, perm: number[]) => b.op('Transpose', [b.op('Reshape', [t, headsShape])], { perm });
    const scores = b.op('Add', [b.op('Mul', [b.op('MatMul', [heads(q, [0, 2, 1, 3]), heads(k, [0, 2, 3, 1])]), scale]), bias]);
    const att = b.op('Softmax', [scores], { axis: -1 });
    const o = b.op('Reshape', [b.op('Transpose', [b.op('MatMul', [att, heads(v, [0, 2, 1, 3])])], { perm: [0, 2, 1, 3] }), modelShape]);
    x = b.op('Add', [x, b.op('Add', [b.op('MatMul', [o, init(`${p}wo`, [D, D])]), init(`${p}bo`, [D])])]);
    const h2 = layerNorm(x, `${p}ln2_g`, `${p}ln2_b`);
    const ff = b.op('Relu', [b.op('Add', [b.op('MatMul', [h2, init(`${p}w1`, [D, c.ffDim])]), init(`${p}b1`, [c.ffDim])])]);
    x = b.op('Add', [x, b.op('Add', [b.op('MatMul', [ff, init(`${p}w2`, [c.ffDim, D])]), init(`${p}b2`, [D])])]);
  }
  x = layerNorm(x, 'lnf_g', 'lnf_b');
  // Masked mean pooling, as in training: sum of real-token states over the count of real tokens.
  const m3 = b.op('Unsqueeze', [mask, axis2]);
  const pooled = b.op('Div', [b.op('ReduceSum', [b.op('Mul', [x, m3]), axis1], { keepdims: 0 }), b.op('ReduceSum', [m3, axis1], { keepdims: 0 })]);
  b.node('Add', [b.op('MatMul', [pooled, init('head_w', [D, K])]), init('head_b', [K])], { outputs: [LOGITS_OUTPUT] });
  b.output(LOGITS_OUTPUT, 'float32', ['batch', K]);
  return b.build();
}
