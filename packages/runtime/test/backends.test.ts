import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { realModels } from '../../onnx/test/fixtures';
import { nodeBackend } from '../src/node/index';
import { webNodeBackend } from '../src/web-node/index';
import { generateInputs } from '../src/inputs/generateInputs';

describe.each([nodeBackend, webNodeBackend])('$name backend', (backend) => {
  it('loads a real model, reports its metadata and runs generated inputs', async () => {
    const session = await backend.createSession(fs.readFileSync(realModels.wakeWord));
    expect(session.inputs).toEqual([{ name: 'onnx::Flatten_0', type: 'float32', shape: [1, 25, 96] }]);
    const [feeds] = generateInputs(session.inputs, { count: 1 });
    const out = await session.run(feeds!);
    const [only] = Object.values(out);
    expect(only!.type).toBe('float32');
    expect(only!.data.length).toBeGreaterThan(0);
    await session.release();
  });

  it('fails with a PareError on bytes that are not a model', async () => {
    await expect(backend.createSession(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'model_unloadable' });
  });
});
