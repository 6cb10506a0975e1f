// The one seam between Pare and an ONNX runtime (STYLE.md, "One seam to the runtime"). Everything above it
// (evaluation, the fitter, calibration, the origin, the edge) speaks these plain types; only src/node,
// src/web-node and src/workerd import an onnxruntime package. Web-standard types only: the edge imports this.

/** Element types as onnxruntime names them. */
export type ElementType =
  | 'float32' | 'float64' | 'float16' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32'
  | 'int64' | 'uint64' | 'bool' | 'string';

export type TensorData =
  | Float32Array | Float64Array | Uint16Array | Int8Array | Uint8Array | Int16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | string[];

/** A tensor held in host memory: what feeds and outputs are on this side of the seam. */
export interface HostTensor {
  type: ElementType;
  dims: readonly number[];
  data: TensorData;
}

export type Feeds = Record<string, HostTensor>;

/** A model input or output as the runtime reports it; a string dimension is symbolic (dynamic). */
export interface ValueInfo {
  name: string;
  /** undefined for non-tensor values (sequences, maps). */
  type?: ElementType;
  shape: ReadonlyArray<number | string>;
}

export interface InferenceSession {
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  run(feeds: Feeds): Promise<Record<string, HostTensor>>;
  release(): Promise<void>;
}

export interface InferenceBackend {
  /** Stable name used in reports: "onnxruntime-node", "onnxruntime-web (wasm)". */
  readonly name: string;
  createSession(modelBytes: Uint8Array): Promise<InferenceSession>;
}
