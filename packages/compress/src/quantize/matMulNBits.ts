// The com.microsoft MatMulNBits form with 8-bit weights: B stored per output column in blocks of `blockSize`
// along K, one float scale per block, unsigned storage with the default zero point 128 (so symmetric int8
// q becomes q + 128). Activations stay fp32 or are quantized inside the kernel (accuracy_level 4).
import { DataType, makeTensor, readTensorAsFloat32, tensorByteLength, type Tensor } from '@pare/onnx';
import type { TensorChange } from '../passReport';
import { floatAttr, intAttr, makeNode, type NameAllocator } from './graphEdit';
import { relativeError, roundHalfEven, symmetricScale } from './quantMath';
import type { RewriteResult } from './dynamicMatMul';
import type { WeightSite } from './weightSites';

export interface NBitsOptions {
  /** Block length along K (power of two ≥ 16). 128 keeps scales at 1/32 of the int8 bytes. */
  blockSize: number;
  /** MatMulNBits accuracy_level: 0 keeps fp32 activations, 4 quantizes them to int8 inside the kernel. */
  accuracyLevel: number;
}

/** Quantize W [K, N] (MatMul layout) into MatMulNBits' [N, blocks, blockSize] uint8 layout with per-block scales. */
function packNBits(w: Float32Array, K: number, N: number, blockSize: number): { packed: Uint8Array; scales: Float32Array; restored: Float32Array } {
  const blocks = Math.ceil(K / blockSize);
  const packed = new Uint8Array(N * blocks * blockSize).fill(128); // padding past K dequantizes to 0
  const scales = new Float32Array(N * blocks);
  const restored = new Float32Array(K * N);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < blocks; b++) {
      const k0 = b * blockSize;
      const k1 = Math.min(K, k0 + blockSize);
      let absMax = 0;
      for (let k = k0; k < k1; k++) absMax = Math.max(absMax, Math.abs(w[k * N + n]!));
      const scale = Math.fround(symmetricScale(absMax));
      scales[n * blocks + b] = scale;
      for (let k = k0; k < k1; k++) {
        const q = Math.max(-127, Math.min(127, roundHalfEven(w[k * N + n]! / scale)));
        packed[(n * blocks + b) * blockSize + (k - k0)] = q + 128;
        restored[k * N + n] = q * scale;
      }
    }
  }
  return { packed, scales, restored };
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
  const blocks = Math.ceil(K / options.blockSize);
  const { packed, scales, restored } = packNBits(w, K, N, options.blockSize);
  const name = tensor.name!;
  const bName = names.fresh(`${name}_nbits`);
  const sName = names.fresh(`${name}_nbits_scale`);
  const initializers: Tensor[] = [makeTensor(bName, DataType.UINT8, [N, blocks, options.blockSize], packed), makeTensor(sName, DataType.FLOAT, [N * blocks], scales)];
  const y = node.output[0]!;
  const c = isGemm ? node.input[2] : undefined;
  const beta = isGemm ? floatAttr(node, 'beta', 1) : 1;
  const core = c ? names.fresh(`${y}_matmul`) : y;
  const nodes = [makeNode('MatMulNBits', [node.input[0]!, bName, sName], [core], names.fresh(`${node.name || y}_MatMulNBits`),
    { K, N, bits: 8, block_size: options.blockSize, accuracy_level: options.accuracyLevel }, 'com.microsoft')];
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
    bytesAfter: initializers.slice(0, 2).reduce((n, t) => n + tensorByteLength(t), 0),
    detail: { dtype: 'int8', granularity: `block ${options.blockSize} along K`, symmetric: true, op: site.op, form: 'matmul-nbits', relativeError: Number(relativeError(w, restored).toPrecision(3)) },
  };
  return { nodes, initializers, change };
}
