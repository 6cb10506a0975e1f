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
