// @pare/clients' EdgeClient against a real edge worker (Miniflare/workerd with local D1, R2 and the metrics
// queue): every admin and read call, each answer checked by the client against the wire schemas the edge
// builds its answers with.
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EdgeClient } from '@pare/clients';
import { repoRoot, startLocalEdge } from '../../../infra/localEdgeWorker';
import { findCommittedVariants, type CommittedVariant } from '../../../infra/models/committedVariants';

const TOKEN = 'client-test-token-of-at-least-32-chars';
let edge: Awaited<ReturnType<typeof startLocalEdge>>;
let client: EdgeClient;
let variants: Map<string, CommittedVariant>;

beforeAll(async () => {
  edge = await startLocalEdge('pare-edge-client-', TOKEN);
  client = new EdgeClient({ endpoint: edge.worker.url, token: TOKEN });
  variants = new Map(findCommittedVariants(path.join(repoRoot, 'infra/models')).filter((v) => v.model === 'spam').map((v) => [v.variant, v]));
});

afterAll(async () => {
  await edge?.stop();
});

/** Deploy a committed variant, or (with `from`) a committed variant's bytes under another name. */
const upload = (variant: string, weight?: number, from = variant) => {
  const v = variants.get(from)!;
  return client.deployVariant({ model: 'spam', variant, bytes: v.bytes, manifest: { ...v.manifest, variant }, weight });
};

it('deploys, splits, promotes, rolls back, deletes, and reads models, stats and the A/B report', async () => {
  const first = await upload('student');
  expect(first).toMatchObject({ model: 'spam', variant: 'student', created: true, deployment: { weights: { student: 100 } } });
  expect((await upload('student')).created).toBe(false);
  expect((await upload('student-int8', 30)).deployment?.weights).toEqual({ student: 70, 'student-int8': 30 });
  const kept = await upload('student-spare', undefined, 'student-int8');
  expect(kept.deployment?.weights).toEqual({ student: 70, 'student-int8': 30 });

  expect((await client.setTraffic('spam', { student: 50, 'student-int8': 50 })).deployment.weights).toEqual({ student: 50, 'student-int8': 50 });
  expect((await client.promote('spam', 'student-int8')).deployment.weights).toEqual({ 'student-int8': 100 });
  const rolled = await client.rollback('spam');
  expect(rolled.deployment.weights).toEqual({ student: 50, 'student-int8': 50 });
  expect(rolled.rolledBack.weights).toEqual({ 'student-int8': 100 });

  expect(await client.deleteVariant('spam', 'student-spare')).toEqual({ deleted: { model: 'spam', variant: 'student-spare' } });
  const { models } = await client.listModels();
  expect(models.find((m) => m.name === 'spam')!.variants.map((v) => [v.name, v.weight, v.status])).toEqual([
    ['student', 50, 'healthy'],
    ['student-int8', 50, 'healthy'],
  ]);

  const stats = await client.stats('spam', '15m');
  expect(stats.variants.map((v) => [v.variant, v.count])).toEqual([
    ['student', 0],
    ['student-int8', 0],
  ]);
  const ab = await client.ab('spam', { window: '1h', a: 'student', b: 'student-int8' });
  expect(ab.pair).toEqual({ a: 'student', b: 'student-int8', chosen: 'given' });
  // Fields the client's schema does not name come through as the edge sent them.
  expect(ab).toHaveProperty('latencySource', 'isolate');
});

it("returns the edge's refusals as PareError with its code and status", async () => {
  await expect(client.setTraffic('spam', { student: 50, 'student-int8': 40 })).rejects.toMatchObject({ code: 'weights_invalid', status: 400, message: expect.stringContaining('sum to 90') });
  await expect(client.deleteVariant('spam', 'student')).rejects.toMatchObject({ code: 'variant_has_traffic', status: 409 });
  await expect(new EdgeClient({ endpoint: edge.worker.url, token: 'nope' }).promote('spam', 'student')).rejects.toMatchObject({ status: 403, message: 'The admin token is wrong.' });
  await expect(client.stats('nope', '1h')).rejects.toMatchObject({ status: 404, message: expect.stringContaining('Unknown model "nope"') });
});
