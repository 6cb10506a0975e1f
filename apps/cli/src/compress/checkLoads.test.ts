import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { PareError } from '@pare/errors';
import { realModels } from '../../../../packages/onnx/test/fixtures';
import { checkLoads, namedStepFailure } from './checkLoads';

describe('checkLoads', () => {
  it('passes a model onnxruntime-node loads and refuses one it cannot, before anything is written', async () => {
    await checkLoads(new Uint8Array(fs.readFileSync(realModels.wakeWord)));
    await expect(checkLoads(new Uint8Array([8, 1, 18, 2]))).rejects.toMatchObject({ code: 'model_unloadable', message: expect.stringMatching(/does not load in onnxruntime-node, so it was not written/) });
  });

  it('prefixes a pass failure with its step and keeps Pare codes', () => {
    const e = namedStepFailure(new PareError('opset_too_old', 'Node "Conv_3": opset 9 is too old'), 'quantize-int8-weights') as PareError;
    expect(e.code).toBe('opset_too_old');
    expect(e.message).toBe('Step "quantize-int8-weights" failed: Node "Conv_3": opset 9 is too old');
    expect((namedStepFailure(new Error('boom'), 'prune-structured') as PareError).code).toBe('onnx_invalid');
  });
});
