import { describe, expect, it } from 'vitest';
import { deployFixture, MLP_INPUT, postJson, setTraffic, admin } from './helpers';

const MODEL = 'ab-model';

async function variantFor(unit: string): Promise<string> {
  const response = await postJson(`/v1/models/${MODEL}/predict`, { inputs: { input: MLP_INPUT } }, { 'x-pare-unit': unit });
  expect(response.status).toBe(200);
  return response.headers.get('x-pare-variant')!;
}

describe('A/B assignment through the worker', () => {
  it('keeps a unit on its variant, splits units in the weights’ proportions, and follows a rollback', async () => {
    await deployFixture('mlp', MODEL, 'fp32');
    await deployFixture('mlpSmall', MODEL, 'small');
    await setTraffic(MODEL, { fp32: 70, small: 30 });

    const first = await variantFor('sticky-user');
    for (let i = 0; i < 10; i++) expect(await variantFor('sticky-user')).toBe(first);

    const units = 300;
    const before: string[] = [];
    // Ten requests in flight at a time: each waits on its queue send, so a loaded machine still gets through them.
    for (let i = 0; i < units; i += 10) before.push(...(await Promise.all(Array.from({ length: Math.min(10, units - i) }, (_, k) => variantFor(`user-${i + k}`)))));
    const smallShare = before.filter((v) => v === 'small').length / units;
    // Binomial sd at n=300, p=0.3 is 0.026: ±0.09 is beyond 3 sd.
    expect(Math.abs(smallShare - 0.3)).toBeLessThan(0.09);

    await setTraffic(MODEL, { fp32: 10, small: 90 });
    expect(await variantFor('user-0')).toBeDefined();
    const rollback = await admin(`/admin/models/${MODEL}/rollback`, { method: 'POST' });
    expect(rollback.status).toBe(200);
    // Same weights as before → every unit is back on its old variant.
    const after = await Promise.all(Array.from({ length: 50 }, (_, i) => variantFor(`user-${i}`)));
    expect(after).toEqual(before.slice(0, 50));
  }, 240_000); // 360 requests through workerd: slow on a loaded 2-core machine
});
