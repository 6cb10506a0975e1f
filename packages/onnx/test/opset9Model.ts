// An opset-9 graph for the opset upgrade tests here and the ones that run it (packages/runtime/test).
import { GraphBuilder } from '../src/graphBuilder';
import type { Model } from '../src/types';

/** An opset-9 graph using every operator whose signature changed by 13 in a way upgradeOpset rewrites. */
export function opset9Model(): Model {
  const b = new GraphBuilder('old', { opset: 9 });
  const x = b.input('x', 'float32', [2, 3, 4]);
  const sliced = b.op('Slice', [x], { starts: [0, 1], ends: [2, 4], axes: [1, 2] }); // [2,2,3]
  const clipped = b.op('Clip', [sliced], { min: { float: -0.5 }, max: { float: 0.5 } });
  const soft = b.op('Softmax', [clipped], { axis: 1 }); // opset-9 meaning: over the flattened [2*3] per batch row
  const unsq = b.op('Unsqueeze', [soft], { axes: [0] }); // [1,2,2,3]
  const sq = b.op('Squeeze', [unsq], { axes: [0] });
  const [s1, s2] = b.node('Split', [sq], { attributes: { axis: 2, split: [1, 2] }, outputs: 2 });
  const padded = b.op('Pad', [s1!], { pads: [0, 0, 1, 0, 0, 1], value: { float: 0.25 } }); // [2,2,3]
  const summed = b.op('ReduceSum', [s2!], { axes: [1], keepdims: 0 });
  const up = b.op('Upsample', [b.op('Unsqueeze', [x], { axes: [0] }), b.initializer('scales', 'float32', [4], [1, 1, 2, 2])], { mode: 'nearest' });
  b.output(padded, 'float32', [2, 2, 3]);
  b.output(summed, 'float32', [2, 2]);
  b.output(up, 'float32', [1, 2, 6, 8]);
  return b.build();
}
