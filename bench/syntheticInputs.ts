// Benchmark inputs that look like what the models were trained on. Uniform noise drives a text detector's
// output to ~0 everywhere, which makes every fidelity number meaningless; a page of dark "text lines" on a
// light background (normalised as PP-OCR does, (x/255 - 0.5) / 0.5) gives real activations. Seeded.
import { seededRandom, type Feeds, type HostTensor } from '@pare/runtime';

/** A [1, 3, h, w] float32 image: light background, rows of dark word-like bars with slight noise. */
function textImage(h: number, w: number, seed: number): HostTensor {
  const random = seededRandom(seed);
  const gray = new Float32Array(h * w).fill(0.92);
  const lineHeight = Math.max(8, Math.round(h / (h > 64 ? 8 : 1.6)));
  for (let top = Math.round(lineHeight * 0.3); top + lineHeight * 0.6 <= h; top += lineHeight) {
    let x = Math.round(random.next() * 8);
    while (x < w - 4) {
      const word = 6 + Math.round(random.next() * 30);
      for (let cx = x; cx < Math.min(w, x + word); cx += 3) {
        const strokeH = Math.round(lineHeight * (0.35 + 0.3 * random.next()));
        for (let y = top; y < Math.min(h, top + strokeH); y++) {
          for (let dx = 0; dx < 2 && cx + dx < w; dx++) gray[y * w + cx + dx] = 0.1 + 0.15 * random.next();
        }
      }
      x += word + 4 + Math.round(random.next() * 10);
    }
  }
  const data = new Float32Array(3 * h * w);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < h * w; i++) data[c * h * w + i] = (Math.min(1, Math.max(0, gray[i]! + 0.03 * (random.next() - 0.5))) - 0.5) / 0.5;
  }
  return { type: 'float32', dims: [1, 3, h, w], data };
}

export function textImages(input: string, h: number, w: number, count: number, seed: number): Feeds[] {
  return Array.from({ length: count }, (_, i) => ({ [input]: textImage(h, w, seed + i) }));
}

/**
 * Speech-like audio at 16 kHz in [-1, 1]: a voiced source (a sum of harmonics of a gliding 100–220 Hz pitch)
 * under a syllable-rate amplitude envelope, with pauses and a little noise, so a voice-activity model sees both
 * speech and silence. Seeded.
 */
export function speechLikeAudio(samples: number, seed: number, rate = 16_000): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(samples);
  const f0 = 100 + 120 * random.next();
  const syllable = 3 + 3 * random.next();
  let phase = 0;
  for (let i = 0; i < samples; i++) {
    const t = i / rate;
    const pitch = f0 * (1 + 0.08 * Math.sin(2 * Math.PI * 0.7 * t));
    phase += (2 * Math.PI * pitch) / rate;
    let voiced = 0;
    for (let h = 1; h <= 12; h++) voiced += Math.sin(h * phase) / h;
    // Speech for about 60% of each second, silence (noise only) in between.
    const talking = Math.sin(2 * Math.PI * 0.5 * t + seed) > -0.2 ? 1 : 0;
    const envelope = talking * Math.max(0, Math.sin(Math.PI * syllable * t)) ** 2;
    out[i] = Math.max(-1, Math.min(1, 0.3 * envelope * voiced + 0.01 * random.normal()));
  }
  return out;
}
