// `pare deploy` refusing a variant that would answer the model's callers differently (and `--new-model`
// overriding it), and `pare delete`, against a real edge worker (Miniflare/workerd with local D1 and R2).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLocalEdge } from '../../../../infra/localEdgeWorker';
import { buildMlpBytes } from '../../../../infra/models/defaultMlp';
import { runPare } from '../../test/runPare';

const TOKEN = 'cli-safety-token-of-at-least-32-chars';
let edge: Awaited<ReturnType<typeof startLocalEdge>>;
let endpoint: string[];
let dir: string;

beforeAll(async () => {
  edge = await startLocalEdge('pare-cli-safety-', TOKEN);
  dir = edge.dir;
  endpoint = ['--endpoint', edge.worker.url, '--token', TOKEN];
  fs.writeFileSync(path.join(dir, 'eight.onnx'), buildMlpBytes({ name: 'eight', widths: [8, 4, 3], seed: 5 }));
  fs.writeFileSync(path.join(dir, 'nine.onnx'), buildMlpBytes({ name: 'nine', widths: [9, 4, 3], seed: 6 }));
});

afterAll(async () => {
  await edge?.stop();
});

it('refuses a variant whose inputs differ from the serving ones unless --new-model, and deletes a variant without traffic', async () => {
  expect((await runPare(['deploy', path.join(dir, 'eight.onnx'), '--model', 'safe', '--variant', 'a', ...endpoint])).code).toBe(0);
  const refused = await runPare(['deploy', path.join(dir, 'nine.onnx'), '--model', 'safe', '--variant', 'b', ...endpoint]);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/does not match "safe\/a", which serves the model: input "input" has shape \[batch, 9\] instead of \[batch, 8\].*--new-model/);

  const accepted = await runPare(['deploy', path.join(dir, 'nine.onnx'), '--model', 'safe', '--variant', 'b', '--weight', '0', '--new-model', ...endpoint]);
  expect(accepted.code, accepted.stderr).toBe(0);

  const withTraffic = await runPare(['delete', 'safe', 'a', ...endpoint]);
  expect(withTraffic.code).not.toBe(0);
  expect(withTraffic.stderr).toMatch(/has 100% of the traffic/);
  const deleted = await runPare(['delete', 'safe', 'b', ...endpoint]);
  expect(deleted.code, deleted.stderr).toBe(0);
  expect(deleted.stdout).toBe('Deleted safe/b\n');
  const models = JSON.parse((await runPare(['models', '--json', ...endpoint])).stdout) as Array<{ name: string; variants: Array<{ name: string }> }>;
  expect(models.find((m) => m.name === 'safe')!.variants.map((v) => v.name)).toEqual(['a']);
  const again = await runPare(['delete', 'safe', 'b', '--json', ...endpoint]);
  expect(again.code).not.toBe(0);
});
