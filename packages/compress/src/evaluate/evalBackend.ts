// The shape of a runtime as evaluation sees it. It is structurally the InferenceBackend of @pare/runtime,
// declared here so that compress keeps depending on @pare/onnx only (DESIGN.md: compress → onnx): callers
// pass `nodeBackend` / `webNodeBackend` from @pare/runtime/node and /web-node.

export interface EvalTensor {
  type: string;
  dims: readonly number[];
  data: ArrayLike<number | bigint>;
}

export type EvalFeeds = Record<string, EvalTensor>;

export interface EvalSession {
  run(feeds: EvalFeeds): Promise<Record<string, EvalTensor>>;
  release(): Promise<void>;
}

export interface EvalBackend {
  readonly name: string;
  createSession(modelBytes: Uint8Array): Promise<EvalSession>;
}
