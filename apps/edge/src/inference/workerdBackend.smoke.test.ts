import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { workerdBackend } from '@pare/runtime/workerd';

describe('onnxruntime-web in workerd', () => {
  it('creates a session from bytes and runs it', async () => {
    const bytes = Uint8Array.from(atob(env.FIXTURES.mlp.bytesBase64), (ch) => ch.charCodeAt(0));
    const session = await workerdBackend.createSession(bytes);
    const out = await session.run({ input: { type: 'float32', data: new Float32Array(16).fill(0.5), dims: [2, 8] } });
    expect(out.logits!.dims).toEqual([2, 4]);
  });
});
