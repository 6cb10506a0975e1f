import { describe, expect, it } from 'vitest';
import { issueRequestId, predictedLabels, readRequestId } from './requestReceipt';

const env = { ADMIN_TOKEN: 'secret-a' };

describe('request id receipts', () => {
  it('round-trips what was served', async () => {
    const id = await issueRequestId(env, { model: 'spam', variant: 'int8', predicted: ['spam'], ts: 1_700_000_000_000 });
    const r = await readRequestId(env, id!);
    expect(r).toMatchObject({ model: 'spam', variant: 'int8', predicted: ['spam'], ts: 1_700_000_000_000 });
  });

  it('refuses ids signed elsewhere or tampered with', async () => {
    const id = (await issueRequestId(env, { model: 'spam', variant: 'int8', predicted: ['ham'] }))!;
    expect(await readRequestId({ ADMIN_TOKEN: 'secret-b' }, id)).toBeNull();
    const [payload, mac] = id.split('.');
    const forged = btoa(JSON.stringify(['x', 'spam', 'fp32', 1, ['ham']])).replace(/=+$/, '');
    expect(await readRequestId(env, `${forged}.${mac}`)).toBeNull();
    expect(await readRequestId(env, `${payload}`)).toBeNull();
    expect(await readRequestId(env, 'not an id')).toBeNull();
  });

  it('reads labels from single and batch predict bodies, not from tensor outputs', () => {
    expect(predictedLabels({ label: 'spam', scores: {} })).toEqual(['spam']);
    expect(predictedLabels({ results: [{ label: 'a' }, { label: 'b' }] })).toEqual(['a', 'b']);
    expect(predictedLabels({ outputs: { y: [1, 2] } })).toBeNull();
  });
});
