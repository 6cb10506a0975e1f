import { GraphBuilder, type Model } from '@pare/onnx';
import { IDS_INPUT, LOGITS_OUTPUT, MASK_INPUT } from '../export/encoderToOnnx';
import type { GraphRows } from './bagFeatures';
import type { BagModel } from './bagModel';

// The bag classifier as an ONNX graph (opset 17) that onnxruntime-web's wasm build runs natively: Gather the
// n-gram rows, masked mean over the text, MatMul + Add. Rows are as long as the batch's longest text (the
// tokenizer pads with mask 0), so both axes are dynamic. The ids fed are the rows themselves (word features), or
// `graphRows` computes the rows from them (teacher-token features, ./teacherTokenFeatures.ts). A text with no
// feature at all gets the zero mean, as the trainer gives it (bagModel.ts).

const FLOAT = 1;

/** `temperature` divides the logits (folded into the linear layer): the scores the edge reports are calibrated. */
export function bagToOnnx(model: BagModel, name = 'bag-classifier', temperature = 1, graphRows?: GraphRows): Model {
  const { buckets, dim: D, numLabels: K } = model.config;
  const b = new GraphBuilder(name, { opset: 17, producer: 'pare-distill' });
  const ids = b.input(IDS_INPUT, 'int64', ['batch', 'length']);
  const maskIn = b.input(MASK_INPUT, 'int64', ['batch', 'length']);
  const table = b.initializer('emb', 'float32', [buckets, D], model.weights.emb);
  const w = b.initializer('head_w', 'float32', [D, K], model.weights.head_w.map((v) => v / temperature));
  const bias = b.initializer('head_b', 'float32', [K], model.weights.head_b.map((v) => v / temperature));
  const axis1 = b.initializer('axis_1', 'int64', [1], BigInt64Array.of(1n));
  const axis2 = b.initializer('axis_2', 'int64', [1], BigInt64Array.of(2n));
  const one = b.initializer('one', 'float32', [], Float32Array.of(1));
  const mask = b.op('Cast', [maskIn], { to: FLOAT });
  const parts = graphRows ? graphRows(b, ids, mask) : [{ rows: ids, mask }];
  const sums = parts.map((p) => b.op('ReduceSum', [b.op('Mul', [b.op('Gather', [table, p.rows]), b.op('Unsqueeze', [p.mask, axis2])]), axis1], { keepdims: 0 }));
  const counts = parts.map((p) => b.op('ReduceSum', [p.mask, axis1], { keepdims: 1 }));
  const total = (xs: string[]) => xs.reduce((acc, x) => b.op('Add', [acc, x]));
  const mean = b.op('Div', [total(sums), b.op('Max', [total(counts), one])]);
  b.node('Add', [b.op('MatMul', [mean, w]), bias], { outputs: [LOGITS_OUTPUT] });
  b.output(LOGITS_OUTPUT, 'float32', ['batch', K]);
  return b.build();
}
