// onnxruntime-node and onnxruntime-web share the onnxruntime-common API, so one adapter turns either into an
// InferenceBackend. It only imports types; the module that owns the real import passes its `ort` namespace in.
import type { InferenceSession as OrtSession, Tensor as OrtTensor } from 'onnxruntime-common';
import { PareError } from '@pare/errors';
import type { ElementType, Feeds, HostTensor, InferenceBackend, InferenceSession, TensorData, ValueInfo } from './inferenceBackend';

/** The part of an onnxruntime module this adapter uses. */
export interface OrtModule {
  InferenceSession: { create(bytes: Uint8Array, options?: OrtSession.SessionOptions): Promise<OrtSession> };
  Tensor: new (type: string, data: TensorData, dims: readonly number[]) => OrtTensor;
}

export function ortBackend(name: string, ort: OrtModule, options: OrtSession.SessionOptions): InferenceBackend {
  return { name, createSession: (modelBytes) => createOrtSession(name, ort, modelBytes, options) };
}

/** One session with these options, behind the InferenceSession interface; load failures are PareErrors. */
export async function createOrtSession(name: string, ort: OrtModule, modelBytes: Uint8Array, options: OrtSession.SessionOptions): Promise<InferenceSession> {
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(modelBytes, options);
  } catch (cause) {
    throw new PareError('model_unloadable', `${name} could not load the model: ${messageOf(cause)}`, { cause });
  }
  return wrapSession(name, ort, session);
}

function wrapSession(name: string, ort: OrtModule, session: OrtSession): InferenceSession {
  return {
    inputs: session.inputMetadata.map(valueInfo),
    outputs: session.outputMetadata.map(valueInfo),
    async run(feeds: Feeds): Promise<Record<string, HostTensor>> {
      const ortFeeds: Record<string, OrtTensor> = {};
      for (const [key, t] of Object.entries(feeds)) ortFeeds[key] = new ort.Tensor(t.type, t.data, t.dims);
      let results: OrtSession.ReturnType;
      try {
        results = await session.run(ortFeeds);
      } catch (cause) {
        throw new PareError('runtime_run_failed', `${name} failed to run the model: ${messageOf(cause)}`, { cause });
      }
      const out: Record<string, HostTensor> = {};
      for (const [key, value] of Object.entries(results)) {
        const t = value as OrtTensor;
        out[key] = { type: t.type as ElementType, dims: [...t.dims], data: t.data as TensorData };
      }
      return out;
    },
    release: () => session.release(),
  };
}

function valueInfo(meta: OrtSession.ValueMetadata): ValueInfo {
  return meta.isTensor ? { name: meta.name, type: meta.type as ElementType, shape: [...meta.shape] } : { name: meta.name, shape: [] };
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
