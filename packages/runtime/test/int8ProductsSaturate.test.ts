import { describe, expect, it } from 'vitest';
import { int8ProductsSaturate, runInt8ProductsProbe } from '../src/backend/int8ProductsSaturate';
import { nodeBackend, nodeInt8ProductsSaturate } from '../src/node/index';
import { webNodeBackend } from '../src/web-node/index';

// 64 products of 255 × 127: exact is 64 × 32385; pmaddubsw clamps each pair's sum to 32767, giving 32 × 32767.
const EXACT = 64 * 255 * 127;
const SATURATED = 32 * 32767;

describe('int8 products probe', () => {
  it('onnxruntime-node: the cached answer agrees with the probe output, which is exact or saturated', async () => {
    const { output, exact } = await runInt8ProductsProbe(nodeBackend);
    expect(exact).toBe(EXACT);
    const saturates = await nodeInt8ProductsSaturate();
    expect(output).toEqual(Array.from({ length: 8 }, () => (saturates ? SATURATED : EXACT)));
    expect(nodeInt8ProductsSaturate()).toBe(nodeInt8ProductsSaturate());
  });

  it('onnxruntime-web (wasm) never saturates', async () => {
    expect((await runInt8ProductsProbe(webNodeBackend)).output).toEqual(Array.from({ length: 8 }, () => EXACT));
    expect(await int8ProductsSaturate(webNodeBackend)).toBe(false);
  });
});
