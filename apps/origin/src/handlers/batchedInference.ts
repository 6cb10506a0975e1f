import { availableParallelism } from 'node:os';
import type { JobContext } from '../jobs/jobHandler';
import type { BatchInferSpec } from '../jobs/jobSpec';
import { servingBackend } from '@pare/runtime';
import { createNodeBackend, type NodeInferenceSession } from '@pare/runtime/node';
import type { Example } from './dataset';
import { readFileRef } from './readFileRef';
import { batchFeeds, maxBatchSize, modelInputs, splitOutput } from './tensorBatch';

// Runs a model over examples in batches on every core: `sessions` sessions take batches side by side, each
// with cores/sessions intra-op threads (onnxruntime-node runs a session off the JS thread, so sessions
// overlap). Shared by batch-infer and evaluate.

export type InferenceOptions = Pick<BatchInferSpec, 'model' | 'batchSize' | 'executionProvider' | 'sessions' | 'intraOpNumThreads'>;

export interface BatchOutputs {
  firstIndex: number;
  /** Output name → one flat array per example of the batch. */
  outputs: Record<string, number[][]>;
}

export interface InferenceStats {
  executionProvider: string;
  sessions: number;
  intraOpNumThreads: number;
  batchSize: number;
  items: number;
  batches: number;
  sessionCreateMs: number;
  seconds: number;
  itemsPerSecond: number;
}

export async function runBatchedInference(
  options: InferenceOptions,
  examples: Example[],
  ctx: JobContext,
  onBatch: (batch: BatchOutputs) => void,
): Promise<InferenceStats> {
  const model = await readFileRef(options.model, 'model', ctx.signal);
  const cores = availableParallelism();
  const sessionCount = Math.min(options.sessions, Math.max(1, Math.ceil(examples.length / options.batchSize)));
  const threads = options.intraOpNumThreads ?? Math.max(1, Math.floor(cores / sessionCount));
  const createStart = performance.now();
  const sessions: NodeInferenceSession[] = [];
  try {
    for (let i = 0; i < sessionCount; i++) {
      // As served: a weight-only variant's constant dequantization is folded before the session is made.
      const backend = servingBackend(createNodeBackend({ executionProvider: options.executionProvider, intraOpNumThreads: threads, warn: (m) => (i === 0 ? ctx.log.warn(m) : undefined) }));
      sessions.push(await backend.createSession(model));
    }
    const sessionCreateMs = performance.now() - createStart;
    const executionProvider = sessions[0]!.executionProvider;
    ctx.log.info(`${sessionCount} session(s) on ${executionProvider}, ${threads} intra-op thread(s) each, ${cores} core(s).`);

    const inputs = modelInputs(sessions[0]!);
    const batchSize = maxBatchSize(inputs, examples[0]!, options.batchSize);
    if (batchSize < options.batchSize) ctx.log.info(`The model has no dynamic batch axis; running one example at a time.`);
    const batchCount = Math.ceil(examples.length / batchSize);
    let nextBatch = 0;
    let done = 0;

    const start = performance.now();
    const worker = async (session: NodeInferenceSession): Promise<void> => {
      while (nextBatch < batchCount) {
        ctx.signal.throwIfAborted();
        const firstIndex = nextBatch++ * batchSize;
        const batch = examples.slice(firstIndex, firstIndex + batchSize);
        const results = await session.run(batchFeeds(batch, inputs, firstIndex));
        const outputs: Record<string, number[][]> = {};
        for (const [name, tensor] of Object.entries(results)) outputs[name] = splitOutput(tensor, batch.length);
        onBatch({ firstIndex, outputs });
        done += batch.length;
        ctx.progress(done / examples.length, `${done}/${examples.length} examples`);
      }
    };
    await Promise.all(sessions.map(worker));
    const seconds = (performance.now() - start) / 1000;
    return {
      executionProvider,
      sessions: sessionCount,
      intraOpNumThreads: threads,
      batchSize,
      items: examples.length,
      batches: batchCount,
      sessionCreateMs: round(sessionCreateMs),
      seconds: round(seconds, 4),
      itemsPerSecond: round(examples.length / seconds),
    };
  } finally {
    await Promise.all(sessions.map((s) => s.release()));
  }
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
