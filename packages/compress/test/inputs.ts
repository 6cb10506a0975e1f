// Inputs for tests and benchmarks: real models loaded the way the passes expect them, and synthetic images
// that look like what the OCR models were trained on (uniform noise gives near-zero outputs whose cosine
// says little).
import { readFileSync } from 'node:fs';
import { decodeModel, type Model } from '@pare/onnx';
import type { Feeds } from '@pare/runtime';
import { seededFloats } from './runtimes';

export function loadModel(path: string): Model {
  return decodeModel(readFileSync(path)).model;
}

/** A light page with dark stroke bands, normalised with ImageNet mean/std as PaddleOCR does. */
export function documentImage(h: number, w: number, seed: number): Feeds {
  const noise = seededFloats(3 * h * w, seed, -0.05, 0.05);
  const rnd = seededFloats(32, seed + 100, 0, 1);
  const data = new Float32Array(3 * h * w);
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let v = 0.9 + noise[(c * h + y) * w + x]!;
        for (let l = 0; l < 6; l++) {
          const y0 = Math.floor(rnd[l * 4]! * (h - Math.min(12, h / 2)));
          const x0 = Math.floor(rnd[l * 4 + 1]! * w * 0.5);
          const len = Math.floor(rnd[l * 4 + 2]! * w * 0.5);
          if (y >= y0 && y < y0 + Math.min(8, h / 3) && x >= x0 && x < x0 + len && (x + y) % 5 < 3) v = 0.1;
        }
        data[(c * h + y) * w + x] = (v - mean[c]!) / std[c]!;
      }
    }
  }
  return { x: { type: 'float32', data, dims: [1, 3, h, w] } };
}

/** Model bytes per tensor size: what int8 saves is initializer bytes, so the ratio tests compare those. */
export function initializerBytes(model: Model): number {
  return model.graph!.initializer.reduce((n, t) => n + (t.raw_data?.byteLength ?? 0) + t.float_data.length * 4, 0);
}
