// The com.microsoft MatMulNBits form: B stored per output column in blocks of `blockSize` along K, one float
// scale per block, unsigned codes of `bits` (8, or 4 packed two per byte, low nibble first). Symmetric blocks use
// the kernel's default zero point 2^(bits-1) (so symmetric q is stored q + 128, or q + 8) and store none;
// asymmetric blocks store one packed zero point each. Activations stay fp32 or are quantized inside the kernel
// (accuracy_level 4).
import { DataType, makeTensor, readTensorAsFloat32, tensorByteLength, type Tensor } from '@pare/onnx';
import type { TensorChange } from '../passReport';
import { floatAttr, intAttr, makeNode, type NameAllocator } from './graphEdit';
import { relativeError, roundHalfEven } from './quantMath';
import type { RewriteResult } from './dynamicMatMul';
import type { WeightSite } from './weightSites';

export type NBits = 4 | 8;

export interface NBitsOptions {
  /** Bits per weight: 8, or 4 (two codes per byte). */
  bits: NBits;
  /** Block length along K (power of two ≥ 16). 128 keeps scales at 1/32 of the int8 bytes. */
  blockSize: number;
  /** MatMulNBits accuracy_level: 0 keeps fp32 activations, 4 quantizes them to int8 inside the kernel. */
  accuracyLevel: number;
  /** One zero point per block (asymmetric), or none (symmetric, the kernel's default zero point). Default true. */
  symmetric?: boolean;
}

interface Packed {
  packed: Uint8Array;
  scales: Float32Array;
  /** Packed zero points (asymmetric only). */
  zeroPoints?: Uint8Array;
  restored: Float32Array;
}

/** Write a `bits`-wide code at element `i` of a packed byte array (4-bit: element 2j low nibble, 2j+1 high). */
function put(bytes: Uint8Array, i: number, code: number, bits: NBits): void {
  if (bits === 8) bytes[i] = code;
  else bytes[i >> 1] = i & 1 ? (bytes[i >> 1]! & 0x0f) | (code << 4) : (bytes[i >> 1]! & 0xf0) | code;
}

/** Quantize W [K, N] (MatMul layout) into MatMulNBits' [N, blocks, blockSize·bits/8] layout with per-block scales. */
export function packNBits(w: Float32Array, K: number, N: number, options: Pick<NBitsOptions, 'bits' | 'blockSize' | 'symmetric'>): Packed {
  const { bits, blockSize } = options;
  const symmetric = options.symmetric ?? true;
  const blocks = Math.ceil(K / blockSize);
  const levels = 2 ** bits - 1;
  const offset = 2 ** (bits - 1);
  const codesPerColumn = blocks * blockSize;
  const packed = new Uint8Array((N * codesPerColumn * bits) / 8);
  const scales = new Float32Array(N * blocks);
  // Zero points are packed per column, each column starting on a byte.
  const zpBytesPerColumn = Math.ceil((blocks * bits) / 8);
  const zeroPoints = symmetric ? undefined : new Uint8Array(N * zpBytesPerColumn);
  const restored = new Float32Array(K * N);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < blocks; b++) {
      const k0 = b * blockSize;
      const k1 = Math.min(K, k0 + blockSize);
      let lo = 0;
      let hi = 0;
      for (let k = k0; k < k1; k++) { const v = w[k * N + n]!; if (v < lo) lo = v; if (v > hi) hi = v; }
      let scale: number;
      let zp: number;
      let qmin: number;
      let qmax: number;
      if (symmetric && bits === 4) {
        // 15 levels are coarse: of a few scales (and slight clipping), keep the one with the least squared error.
        scale = bestSymmetricScale(w, k0, k1, n, N, Math.max(-lo, hi));
        [zp, qmin, qmax] = [offset, 1, levels];
      } else if (symmetric) {
        const absMax = Math.max(-lo, hi);
        scale = Math.fround(absMax > 0 ? absMax / (offset - 1) : 1);
        [zp, qmin, qmax] = [offset, 1, levels]; // codes 1..levels: q in ±(offset - 1), so +max and -max land alike
      } else {
        scale = Math.fround(hi - lo > 0 ? (hi - lo) / levels : 1);
        zp = Math.max(0, Math.min(levels, roundHalfEven(-lo / scale)));
        [qmin, qmax] = [0, levels];
        put(zeroPoints!, n * zpBytesPerColumn * (8 / bits) + b, zp, bits);
      }
      scales[n * blocks + b] = scale;
      const base = (n * blocks + b) * blockSize;
      // Padding past K holds the zero point, so it dequantizes to 0.
      for (let k = k1; k < k0 + blockSize; k++) put(packed, base + (k - k0), zp, bits);
      for (let k = k0; k < k1; k++) {
        const code = Math.max(qmin, Math.min(qmax, roundHalfEven(w[k * N + n]! / scale) + zp));
        put(packed, base + (k - k0), code, bits);
        restored[k * N + n] = Math.fround((code - zp) * scale);
      }
    }
  }
  return { packed, scales, zeroPoints, restored };
}

/**
 * Divisors of the block's |max| tried for 4-bit symmetric scales: 7 (no clipping) and slight clipping. Codes stay
 * in ±7: using -8 as well clips one sign only, a bias that adds up coherently in the dot products.
 */
const SCALE_DIVISORS = [7, 7 / 0.95, 7 / 0.9, 7 / 0.85];

function bestSymmetricScale(w: Float32Array, k0: number, k1: number, n: number, N: number, absMax: number): number {
  if (!(absMax > 0)) return 1;
  let best = 0;
  let bestError = Infinity;
  for (const d of SCALE_DIVISORS) {
    const scale = Math.fround(absMax / d);
    let error = 0;
    for (let k = k0; k < k1; k++) {
      const v = w[k * N + n]!;
      const q = Math.max(-7, Math.min(7, roundHalfEven(v / scale)));
      error += (v - q * scale) ** 2;
    }
    if (error < bestError) { bestError = error; best = scale; }
  }
  return best;
}

export function rewriteNBits(site: WeightSite, options: NBitsOptions, names: NameAllocator): RewriteResult {
  const { node, tensor } = site;
  const isGemm = site.op === 'Gemm';
  const transB = isGemm && intAttr(node, 'transB', 0) === 1;
  const [K, N] = transB ? [tensor.dims[1]!, tensor.dims[0]!] : [tensor.dims[0]!, tensor.dims[1]!];
  const raw = readTensorAsFloat32(tensor);
  const alpha = isGemm ? floatAttr(node, 'alpha', 1) : 1;
  const w = new Float32Array(K * N);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) w[k * N + n] = alpha * (transB ? raw[n * K + k]! : raw[k * N + n]!);
  const { bits, blockSize } = options;
  const symmetric = options.symmetric ?? true;
  const blocks = Math.ceil(K / blockSize);
  const { packed, scales, zeroPoints, restored } = packNBits(w, K, N, options);
  const name = tensor.name!;
  const bName = names.fresh(`${name}_nbits`);
  const sName = names.fresh(`${name}_nbits_scale`);
  const zName = zeroPoints ? names.fresh(`${name}_nbits_zero_point`) : '';
  const stored: Tensor[] = [makeTensor(bName, DataType.UINT8, [N, blocks, (blockSize * bits) / 8], packed), makeTensor(sName, DataType.FLOAT, [N * blocks], scales)];
  if (zeroPoints) stored.push(makeTensor(zName, DataType.UINT8, [zeroPoints.length], zeroPoints));
  const initializers: Tensor[] = [...stored];
  const y = node.output[0]!;
  const c = isGemm ? node.input[2] : undefined;
  const beta = isGemm ? floatAttr(node, 'beta', 1) : 1;
  const core = c ? names.fresh(`${y}_matmul`) : y;
  const nodes = [makeNode('MatMulNBits', [node.input[0]!, bName, sName, ...(zName ? [zName] : [])], [core], names.fresh(`${node.name || y}_MatMulNBits`),
    { K, N, bits, block_size: blockSize, accuracy_level: options.accuracyLevel }, 'com.microsoft')];
  if (c) {
    // Gemm's C: added after the product (times beta when beta ≠ 1).
    let addend = c;
    if (beta !== 1) {
      const betaName = names.fresh(`${c}_beta`);
      initializers.push(makeTensor(betaName, DataType.FLOAT, [], [beta]));
      addend = names.fresh(`${c}_scaled`);
      nodes.push(makeNode('Mul', [c, betaName], [addend], names.fresh(`${c}_beta_Mul`)));
    }
    nodes.push(makeNode('Add', [core, addend], [y], names.fresh(`${node.name || y}_bias_Add`)));
  }
  const change: TensorChange = {
    name, shapeBefore: [...tensor.dims], shapeAfter: [...tensor.dims], bytesBefore: tensorByteLength(tensor),
    bytesAfter: stored.reduce((n, t) => n + tensorByteLength(t), 0),
    detail: { dtype: bits === 8 ? 'int8' : 'int4', granularity: `block ${blockSize} along K`, symmetric, op: site.op, form: 'matmul-nbits', relativeError: Number(relativeError(w, restored).toPrecision(3)) },
  };
  return { nodes, initializers, change };
}
