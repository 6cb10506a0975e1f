// Faults the reliability bench injects into a running local edge and origin, and what each cost: requests that
// failed while a healthy variant existed, and jobs lost when the origin was killed mid-job.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EdgeClient } from '@pare/clients';
import { GraphBuilder, encodeModel } from '@pare/onnx';
import { variantManifest } from '@pare/runtime/manifest-builder';
import type { BuiltVariant } from '../../infra/models/defaultVariants';
import type { LocalWorker } from '../../infra/localEdgeWorker';
import { settled, startOriginProcess, submit, TEST_TOKEN, waitForJob } from '../../apps/origin/test/originHarness';
import { closedLoop, type LoopResult } from './closedLoop';

export interface FaultResult {
  fault: string;
  requests: number;
  failed: number;
  note: string;
}

/** The tensor body of the default MLP (batch rows of `width` floats). */
export function tensorBody(width: number, batch = 1): string {
  return JSON.stringify({ inputs: { input: Array.from({ length: batch }, (_, r) => Array.from({ length: width }, (_, i) => Math.sin(i + r) * 0.5)) } });
}

async function predictMany(worker: LocalWorker, model: string, n: number, body: string): Promise<{ failed: number; fallbacks: number; served: Set<string> }> {
  let failed = 0;
  let fallbacks = 0;
  const served = new Set<string>();
  for (let i = 0; i < n; i++) {
    const response = await fetch(`${worker.url}/v1/models/${model}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-pare-unit': `fault-${i}` }, body });
    await response.arrayBuffer();
    if (response.status !== 200) failed++;
    if (response.headers.get('x-pare-fallback-from')) fallbacks++;
    served.add(response.headers.get('x-pare-variant') ?? '?');
  }
  return { failed, fallbacks, served };
}

/**
 * A variant that passes the upload's trial run (batch 1) and fails at run time on every larger batch: its graph
 * reshapes the input to a fixed [1, width]. The runtime failure a trial cannot catch.
 */
export async function batchOneOnlyVariant(model: string, width: number, classes: number): Promise<BuiltVariant> {
  const b = new GraphBuilder('batch-one-only');
  const input = b.input('input', 'float32', ['batch', width]);
  const shape = b.initializer('shape', 'int64', [2], [1, width]);
  const reshaped = b.op('Reshape', [input, shape]);
  const w = b.initializer('w', 'float32', [width, classes], Float32Array.from({ length: width * classes }, (_, i) => Math.cos(i) * 0.1));
  b.node('MatMul', [reshaped, w], { outputs: ['logits'] });
  b.output('logits', 'float32', ['batch', classes]);
  const bytes = encodeModel(b.build());
  const manifest = await variantManifest(bytes, {
    model, variant: 'batch-one-only',
    inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', width] }],
    outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', classes] }],
    provenance: { source: 'reliability bench: fails on batches over 1', passes: [], tool: 'pare 0.1.0', createdAt: '2026-12-01T00:00:00.000Z' },
  });
  return { variant: 'batch-one-only', bytes, manifest };
}

async function deployPair(client: EdgeClient, model: string, variants: BuiltVariant[], weights: Record<string, number>): Promise<void> {
  for (const v of variants) await client.deployVariant({ model, variant: v.variant, bytes: v.bytes, manifest: { ...v.manifest, model, variant: v.variant } });
  await client.setTraffic(model, weights);
}

/** Stored bytes of one variant go bad (flipped byte) or missing, before any request loaded it: its traffic falls back. */
export async function storageFaults(worker: LocalWorker, client: EdgeClient, defaults: BuiltVariant[], width: number, n: number): Promise<FaultResult[]> {
  const out: FaultResult[] = [];
  for (const fault of ['corrupt', 'missing'] as const) {
    const model = `rel-${fault}`;
    await deployPair(client, model, defaults, { fp32: 50, int8: 50 });
    const bucket = await worker.modelsBucket();
    const key = `models/${model}/int8/model.onnx`;
    if (fault === 'corrupt') {
      const bytes = new Uint8Array(await (await bucket.get(key))!.arrayBuffer());
      bytes[bytes.length >> 1]! ^= 0xff;
      await bucket.put(key, bytes);
    } else await bucket.delete(key);
    const r = await predictMany(worker, model, n, tensorBody(width));
    out.push({ fault: `${fault} R2 bytes of one of two variants (50/50)`, requests: n, failed: r.failed, note: `${r.fallbacks} served by the healthy variant as a fallback; served by: ${[...r.served].join(', ')}` });
  }
  // The broken variant has all the traffic, the healthy one none.
  const model = 'rel-all-broken';
  await deployPair(client, model, defaults, { fp32: 0, int8: 100 });
  const bucket = await worker.modelsBucket();
  await bucket.delete(`models/${model}/int8/model.onnx`);
  const r = await predictMany(worker, model, n, tensorBody(width));
  out.push({ fault: 'missing R2 bytes of the variant with 100% traffic (healthy one at 0%)', requests: n, failed: r.failed, note: `served by: ${[...r.served].join(', ')}` });
  return out;
}

/** A variant at 100% traffic that fails at run time (batch > 1), with a healthy variant at 0%. */
export async function failingVariantFault(worker: LocalWorker, client: EdgeClient, healthy: BuiltVariant, width: number, classes: number, n: number): Promise<FaultResult> {
  const model = 'rel-failing';
  const failing = await batchOneOnlyVariant(model, width, classes);
  await deployPair(client, model, [healthy, failing], { [healthy.variant]: 0, [failing.variant]: 100 });
  const r = await predictMany(worker, model, n, tensorBody(width, 2));
  return {
    fault: 'variant failing at run time (batch 2) at 100% traffic, healthy one at 0%',
    requests: n,
    failed: r.failed,
    note: `each failed run is run again on the healthy variant (apps/edge/src/inference/serveInference.ts); 3 consecutive 5xx mark the failing one unhealthy (runFailures.ts); served by: ${[...r.served].join(', ')}`,
  };
}

/** Restart the worker halfway through a closed-loop load of `seconds`. */
export async function restartUnderLoad(worker: LocalWorker, model: string, body: string, seconds: number, concurrency: number): Promise<LoopResult & { restartMs: number }> {
  let restartMs = 0;
  const result = await closedLoop(worker, model, body, {
    seconds,
    concurrency,
    midway: async () => {
      const started = performance.now();
      await worker.stop();
      await worker.start();
      restartMs = performance.now() - started;
    },
  });
  return { ...result, restartMs };
}

/** Kill (SIGKILL) an origin while one job runs and another waits; a new origin on the same store must finish both. */
export async function originKilledMidJob(jobs = 3): Promise<FaultResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pare-reliability-origin-'));
  const config = { token: TEST_TOKEN, dataDir: dir, cancelPollMs: 50, sleepMs: 1500 };
  const first = await startOriginProcess(config);
  let second: Awaited<ReturnType<typeof startOriginProcess>> | undefined;
  try {
    const submitted = [];
    for (let i = 0; i < jobs; i++) submitted.push(await submit(first.fetcher, { type: 'compress', model: `job-${i}` }));
    await waitForJob(first.fetcher, submitted[0]!.id, (j) => j.state === 'running' && j.progress > 0);
    await first.kill('SIGKILL');
    second = await startOriginProcess(config);
    const done = [];
    for (const job of submitted) done.push(await waitForJob(second.fetcher, job.id, settled, 60_000));
    const lost = done.filter((j) => j.state !== 'succeeded').length;
    return { fault: `origin SIGKILLed mid-job (${jobs} jobs: 1 running, ${jobs - 1} queued; SQLite backend)`, requests: jobs, failed: lost, note: `after a restart on the same store: ${done.map((j) => `${j.state} in ${j.attempts} attempt(s)`).join(', ')} (stand-in compress handler that sleeps 1.5 s)` };
  } finally {
    await first.kill('SIGKILL');
    await second?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
