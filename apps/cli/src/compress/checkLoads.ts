// Two guards of `pare compress`: a model onnxruntime cannot load is never written, and a pass that fails
// says which step it was in (its own message names the node and the reason where the pass knows them).
import { PareError } from '@pare/errors';
import { nodeBackend } from '@pare/runtime/node';

/** Load the bytes in onnxruntime-node before they reach the output file. */
export async function checkLoads(bytes: Uint8Array): Promise<void> {
  let session;
  try {
    session = await nodeBackend.createSession(bytes);
  } catch (cause) {
    throw new PareError('model_unloadable', `The compressed model does not load in onnxruntime-node, so it was not written: ${(cause as Error).message.split('\n')[0]}`, { cause });
  }
  await session.release();
}

/** A pass failure, prefixed with the step it happened in; Pare's own errors keep their code. */
export function namedStepFailure(e: unknown, step: string): unknown {
  if (!step) return e;
  const message = `Step "${step}" failed: ${e instanceof Error ? e.message : String(e)}`;
  if (e instanceof PareError) return new PareError(e.code, message, { status: e.status, details: e.details, cause: e });
  return new PareError('onnx_invalid', message, { cause: e });
}
