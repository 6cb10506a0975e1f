// Test and benchmark helper for recurrent models: speech-like audio (a gliding fundamental with harmonics, a
// syllable envelope, pauses and noise) streamed chunk by chunk through Silero VAD with its LSTM state fed back,
// the way it is used. Quantization error that accumulates in the state shows over many steps, not in one run.
import type { Feeds } from '@pare/runtime';
import { createSession, cosine, seededFloats, type Runtime } from './runtimes';

export const VAD_CHUNK = 512;
const RATE = 16000;

/** `samples` of 16 kHz audio in [-1, 1]: voiced syllables at about 4 per second, with pauses between phrases. */
export function speechLikeAudio(samples: number, seed: number): Float32Array {
  const noise = seededFloats(samples, seed, -1, 1);
  const jitter = seededFloats(64, seed + 7, 0, 1);
  const out = new Float32Array(samples);
  let phase = 0;
  for (let i = 0; i < samples; i++) {
    const t = i / RATE;
    const f0 = 110 + 60 * jitter[Math.floor(t * 2) % 64]! + 25 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * f0) / RATE;
    let voiced = 0;
    for (let h = 1; h <= 12; h++) voiced += Math.sin(h * phase) / h ** 1.2;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 4 * t)) ** 2;
    const phrase = Math.floor(t / 0.8) % 3 === 2 ? 0 : 1; // every third 0.8 s is a pause
    out[i] = 0.25 * syllable * phrase * voiced + 0.01 * noise[i]!;
  }
  return out;
}

export interface VadStream {
  /** Speech probability per chunk. */
  probabilities: Float32Array;
  /** hn and cn after each chunk, concatenated. */
  states: Float32Array[];
}

/** Run `chunks` chunks of `audio` through a Silero VAD model (inputs input, sr, h, c), feeding hn/cn back. */
export async function streamVad(runtime: Runtime, bytes: Uint8Array, audio: Float32Array, chunks: number): Promise<VadStream> {
  const session = await createSession(runtime, bytes);
  try {
    let h = new Float32Array(128);
    let c = new Float32Array(128);
    const probabilities = new Float32Array(chunks);
    const states: Float32Array[] = [];
    for (let k = 0; k < chunks; k++) {
      const feed: Feeds = {
        input: { type: 'float32', data: audio.slice(k * VAD_CHUNK, (k + 1) * VAD_CHUNK), dims: [1, VAD_CHUNK] },
        sr: { type: 'int64', data: BigInt64Array.of(BigInt(RATE)), dims: [] },
        h: { type: 'float32', data: h, dims: [2, 1, 64] },
        c: { type: 'float32', data: c, dims: [2, 1, 64] },
      };
      const out = await session.run(feed);
      probabilities[k] = (out.output!.data as Float32Array)[0]!;
      h = Float32Array.from(out.hn!.data as Float32Array);
      c = Float32Array.from(out.cn!.data as Float32Array);
      const state = new Float32Array(256);
      state.set(h);
      state.set(c, 128);
      states.push(state);
    }
    return { probabilities, states };
  } finally {
    await session.release();
  }
}

/** How far a candidate's stream stays from the reference: probability cosine and gap, the worst state cosine. */
export function streamFidelity(reference: VadStream, candidate: VadStream): { probabilityCosine: number; maxProbabilityGap: number; minStateCosine: number; meanStateCosine: number } {
  let gap = 0;
  reference.probabilities.forEach((p, i) => { gap = Math.max(gap, Math.abs(p - candidate.probabilities[i]!)); });
  const states = reference.states.map((s, i) => cosine(s, candidate.states[i]!));
  return {
    probabilityCosine: cosine(reference.probabilities, candidate.probabilities),
    maxProbabilityGap: gap,
    minStateCosine: Math.min(...states),
    meanStateCosine: states.reduce((a, b) => a + b, 0) / states.length,
  };
}
