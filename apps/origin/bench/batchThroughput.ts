// Throughput of batch-infer on this machine: one model, one dataset, several ways of using the cores, measured
// side by side in one run. `npx tsx apps/origin/bench/batchThroughput.ts [examples] [hidden width]`
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeModel, type Model, type Tensor, type ValueInfo } from '@pare/onnx';
import { batchInfer } from '../src/handlers/batchInfer';
import type { JobContext } from '../src/jobs/jobHandler';
import type { BatchInferSpec } from '../src/jobs/jobSpec';

const FLOAT = 1;
const HIDDEN = Number(process.argv[3] ?? 512);
const WIDTHS = [256, HIDDEN, HIDDEN, 10];

function tensor(name: string, dims: number[], values: number[]): Tensor {
  return { name, dims, data_type: FLOAT, float_data: values, int32_data: [], string_data: [], int64_data: [], external_data: [], double_data: [], uint64_data: [], metadata_props: [] };
}
function valueInfo(name: string, dims: Array<number | string>): ValueInfo {
  return { name, type: { tensor_type: { elem_type: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } }, metadata_props: [] };
}

/** An MLP 256 → hidden → hidden → 10 with ReLU (hidden 512: about 0.4 M parameters). */
function mlp(): Model {
  let seed = 1;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.1;
  const node: NonNullable<Model['graph']>['node'] = [];
  const initializer: Tensor[] = [];
  let current = 'x';
  for (let layer = 0; layer < WIDTHS.length - 1; layer++) {
    const [n, m] = [WIDTHS[layer]!, WIDTHS[layer + 1]!];
    initializer.push(tensor(`W${layer}`, [n, m], Array.from({ length: n * m }, random)), tensor(`b${layer}`, [m], new Array(m).fill(0)));
    const last = layer === WIDTHS.length - 2;
    node.push({ op_type: 'Gemm', input: [current, `W${layer}`, `b${layer}`], output: [last ? 'logits' : `h${layer}`], attribute: [], metadata_props: [] });
    if (!last) node.push({ op_type: 'Relu', input: [`h${layer}`], output: [`a${layer}`], attribute: [], metadata_props: [] });
    current = `a${layer}`;
  }
  return {
    ir_version: 8, opset_import: [{ domain: '', version: 17 }], metadata_props: [], training_info: [], functions: [],
    graph: { name: 'mlp', node, initializer, sparse_initializer: [], input: [valueInfo('x', ['N', 256])], output: [valueInfo('logits', ['N', 10])], value_info: [], quantization_annotation: [], metadata_props: [] },
  };
}

const count = Number(process.argv[2] ?? 8192);
const dir = mkdtempSync(join(tmpdir(), 'pare-bench-'));
const model = join(dir, 'mlp.onnx');
const data = join(dir, 'data.jsonl');
writeFileSync(model, encodeModel(mlp()));
writeFileSync(data, Array.from({ length: count }, (_, i) => JSON.stringify({ inputs: { x: Array.from({ length: 256 }, (_, j) => Math.sin(i + j)) } })).join('\n'));

const cores = availableParallelism();
const configurations: Array<Pick<BatchInferSpec, 'sessions' | 'intraOpNumThreads' | 'batchSize'>> = [
  { sessions: 1, intraOpNumThreads: 1, batchSize: 64 },
  { sessions: 1, intraOpNumThreads: cores, batchSize: 64 },
  { sessions: cores, intraOpNumThreads: 1, batchSize: 64 },
  { sessions: 1, intraOpNumThreads: cores, batchSize: 1 },
  { sessions: 1, intraOpNumThreads: cores, batchSize: 512 },
];

const noop = (): void => {};
console.log(`batch-infer on an MLP 256-${HIDDEN}-${HIDDEN}-10, ${count} examples, ${cores} cores, onnxruntime-node cpu\n`);
console.log('sessions  threads/session  batch  examples/s  (run seconds, excluding JSON parse and session start)');
for (const configuration of configurations) {
  const spec: BatchInferSpec = { type: 'batch-infer', model, data, seed: 1, executionProvider: 'cpu', ...configuration };
  const ctx: JobContext = { jobId: 'bench', progress: noop, log: { info: noop, warn: noop, error: noop }, signal: new AbortController().signal, artifactsDir: mkdtempSync(join(dir, 'out-')) };
  const { metrics } = await batchInfer(spec, ctx);
  console.log(`${String(metrics.sessions).padStart(8)}  ${String(metrics.intraOpNumThreads).padStart(15)}  ${String(metrics.batchSize).padStart(5)}  ${String(metrics.itemsPerSecond).padStart(10)}  (${metrics.seconds})`);
}
rmSync(dir, { recursive: true, force: true });
