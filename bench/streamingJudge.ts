// Fidelity of a recurrent model over streams: each model runs a whole sequence of chunks with its own state
// fed back (hn → h, cn → c), as it runs when served, and the judge compares the per-step outputs of the two
// runs. A quantization error that compounds through the state shows here and not on single steps.
import type { Feeds, HostTensor, InferenceSession } from '@pare/runtime';
import { cosineSimilarity } from '@pare/compress';
import { nodeBackend } from '@pare/runtime/node';
import { speechLikeAudio } from './syntheticInputs';

export interface Stream {
  /** Feeds of the first step, state included. */
  first: Feeds;
  /** Inputs of the later steps, without the state. */
  steps: Feeds[];
  /** Output name → input name it is fed back into. */
  feedback: Record<string, string>;
  /** The output compared step by step. */
  output: string;
}

async function runStream(session: InferenceSession, stream: Stream): Promise<number[]> {
  const values: number[] = [];
  let state: Feeds = {};
  for (const [i, step] of [stream.first, ...stream.steps].entries()) {
    const out = await session.run(i === 0 ? step : { ...step, ...state });
    values.push(...Array.from(out[stream.output]!.data as Float32Array));
    state = Object.fromEntries(Object.entries(stream.feedback).map(([o, input]) => [input, out[o] as HostTensor]));
  }
  return values;
}

/** Cosine of the per-step outputs of reference and candidate, mean and min over streams. */
export async function streamingFidelity(reference: Uint8Array, candidate: Uint8Array, streams: Stream[]): Promise<{ cosineMean: number; cosineMin: number }> {
  const [ref, cand] = [await nodeBackend.createSession(reference), await nodeBackend.createSession(candidate)];
  try {
    const cosines: number[] = [];
    for (const s of streams) cosines.push(cosineSimilarity(await runStream(ref, s), await runStream(cand, s)));
    return { cosineMean: cosines.reduce((a, b) => a + b, 0) / cosines.length, cosineMin: Math.min(...cosines) };
  } finally {
    await ref.release();
    await cand.release();
  }
}

/** Silero VAD streams: speech-like audio at 16 kHz in 512-sample chunks, LSTM state (h, c) fed back. */
export function vadSequences(count: number, steps: number, seed: number): Stream[] {
  const chunk = 512;
  return Array.from({ length: count }, (_, k) => {
    const audio = speechLikeAudio(chunk * steps, seed + k);
    const step = (i: number): Feeds => ({
      input: { type: 'float32', dims: [1, chunk], data: audio.slice(i * chunk, (i + 1) * chunk) },
      sr: { type: 'int64', dims: [], data: BigInt64Array.from([16000n]) },
    });
    const zeros: HostTensor = { type: 'float32', dims: [2, 1, 64], data: new Float32Array(128) };
    return {
      first: { ...step(0), h: zeros, c: zeros },
      steps: Array.from({ length: steps - 1 }, (_, i) => step(i + 1)),
      feedback: { hn: 'h', cn: 'c' },
      output: 'output',
    };
  });
}
