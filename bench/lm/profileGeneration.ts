// Where a decode step's time goes: a CPU profile of greedy generation requests inside workerd (its V8 inspector,
// driven over the DevTools protocol) and one of the same generation loop in Node on onnxruntime-web's wasm build,
// both summed by function per decode step (cpuProfile.ts). A probe, not a benchmark section.
// Run: npx tsx bench/lm/profileGeneration.ts [--only profile,interleaved,cpu,warmup]
//      [--model gpt2-sotu] [--tokens 32] [--requests 40] [--interval 1000] [--out /tmp/lmprof]
// The profilers are bench/edgeSpeed/cpuProfile.ts's (workerd's inspector and this process's).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { EdgeClient } from '@pare/clients';
import { generateText } from '@pare/runtime';
import { webNodeBackend } from '@pare/runtime/web-node';
import { buildUpload, freePort, LocalWorker } from '../../infra/localEdgeWorker';
import { nodeProfiler, workerdProfiler } from '../edgeSpeed/cpuProfile';
import { functionTimes, renderTimes } from './cpuProfile';
import { lmExpected, loadLm } from './lmFixtures';

const { values: args } = parseArgs({ options: { model: { type: 'string', default: 'gpt2-sotu' }, tokens: { type: 'string', default: '32' }, requests: { type: 'string', default: '40' }, interval: { type: 'string', default: '1000' }, only: { type: 'string', default: 'profile' }, out: { type: 'string', default: path.join(os.tmpdir(), 'lmprof') } } });
const TOKENS = Number(args.tokens);
const REQUESTS = Number(args.requests);
fs.mkdirSync(args.out!, { recursive: true });


const lm = await loadLm(args.model!);
const prompt = lmExpected(args.model!).greedy[0]!.prompt;
const greedy = (n: number) => ({ maxNewTokens: n, temperature: 0, topK: 0, topP: 1, seed: 0, stop: [] });

type Split = Record<'outer' | 'generation' | 'infer' | 'request', number>;
type Runner = (n: number) => Promise<Split>;

function nodeRunner(session: Awaited<ReturnType<typeof webNodeBackend.createSession>>): Runner {
  return async (n) => {
    const t0 = performance.now();
    const r = await generateText(lm.manifest, lm.tokenizer, session, prompt, greedy(n));
    return { outer: performance.now() - t0, generation: r.timings.totalMs, infer: r.timings.inferMs, request: performance.now() - t0 };
  };
}

function edgeRunner(url: string): Runner {
  return async (n) => {
    const post = () => fetch(`${url}/v1/models/${lm.manifest.model}/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt, max_new_tokens: n, temperature: 0 }) });
    let t0 = performance.now();
    // A kept-alive connection that local workerd closed in between fails at once: send again on a new one.
    const r = await post().catch(() => { t0 = performance.now(); return post(); });
    const body = (await r.json()) as { timings: { total_ms: number } };
    const timing = r.headers.get('server-timing') ?? '';
    const dur = (name: string) => Number(new RegExp(`${name};dur=([0-9.]+)`).exec(timing)?.[1] ?? Number.NaN);
    return { outer: performance.now() - t0, generation: body.timings.total_ms, infer: dur('run'), request: dur('total') };
  };
}

/** Node and workerd rounds alternated, so that both see the same load; medians of per-round figures. */
async function interleaved(): Promise<void> {
  const session = await webNodeBackend.createSession(lm.folder.modelBytes);
  const { worker, stop } = await startedEdge();
  try {
    const runners: Array<[string, Runner]> = [['node', nodeRunner(session)], ['workerd', edgeRunner(worker.url)]];
    for (const [, r] of runners) for (let i = 0; i < 5; i++) await r(TOKENS);
    const per = new Map<string, Split[]>(runners.map(([n]) => [n, []]));
    for (let i = 0; i < 30; i++) {
      for (const [name, r] of runners) {
        const one = await r(1);
        const many = await r(TOKENS);
        per.get(name)!.push(Object.fromEntries(Object.keys(one).map((k) => [k, (many[k as keyof Split] - one[k as keyof Split]) / (TOKENS - 1)])) as Split);
      }
    }
    const med = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
    for (const [name, rows] of per) {
      const m = (k: keyof Split) => med(rows.map((r) => r[k]));
      const loop = med(rows.map((r) => r.generation - r.infer));
      console.log(`${name}, ms per decode step (medians of ${rows.length} rounds): call ${m('outer').toFixed(3)}, request ${m('request').toFixed(3)}, generation ${m('generation').toFixed(3)}, session.run ${m('infer').toFixed(3)}, loop outside run ${loop.toFixed(3)}`);
    }
  } finally {
    await stop();
    await session.release();
  }
}

/** CPU milliseconds (user + system) a process has used so far, from /proc (Linux). */
function processCpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** The workerd processes started under this one (Miniflare runs workerd as a child). */
function workerdPids(): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8');
      const ppid = Number(fs.readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      if (cmd.includes('workerd') && cmd.includes('serve') && ppid === process.pid) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

/**
 * CPU time per decode step, which the other processes on a loaded machine disturb far less than wall time:
 * (CPU of K N-token generations − CPU of K 1-token ones) / (K·(N − 1)), Node's own process.cpuUsage against
 * the workerd process's /proc figures (the edge's includes its HTTP handling, the same for both sizes).
 */
async function cpuPerStep(): Promise<void> {
  const session = await webNodeBackend.createSession(lm.folder.modelBytes);
  const { worker, stop } = await startedEdge();
  const K = REQUESTS;
  try {
    const pids = workerdPids();
    const edgeCpu = () => pids.reduce((s, p) => s + processCpuMs(p), 0);
    const nodeCpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
    const node = nodeRunner(session);
    const edge = edgeRunner(worker.url);
    for (let i = 0; i < 5; i++) { await node(TOKENS); await edge(TOKENS); }
    const cost = async (run: Runner, cpu: () => number, n: number) => { const c = cpu(); for (let i = 0; i < K; i++) await run(n); return cpu() - c; };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    for (let round = 0; round < 2; round++) {
      await sleep(2500);
      let c = edgeCpu();
      let t = performance.now();
      for (let i = 0; i < K; i++) await edge(TOKENS);
      const during = edgeCpu() - c, wall = performance.now() - t;
      c = edgeCpu();
      await sleep(2500);
      console.log(`workerd: ${K} back-to-back ${TOKENS}-token requests: ${(during / K).toFixed(2)} CPU ms and ${(wall / K).toFixed(2)} wall ms each; CPU in the 2.5 s after: ${(edgeCpu() - c).toFixed(1)} ms`);
      c = edgeCpu(); t = performance.now();
      for (let i = 0; i < K; i++) { await edge(TOKENS); await sleep(1200); }
      console.log(`workerd: ${K} ${TOKENS}-token requests 1.2 s apart: ${((edgeCpu() - c) / K).toFixed(2)} CPU ms per request (with what the gaps flushed)`);
    }
    for (let round = 0; round < 3; round++) {
      const n1 = await cost(node, nodeCpu, 1), nN = await cost(node, nodeCpu, TOKENS);
      const e1 = await cost(edge, edgeCpu, 1), eN = await cost(edge, edgeCpu, TOKENS);
      const step = (a: number, b: number) => ((b - a) / (K * (TOKENS - 1))).toFixed(3);
      console.log(`round ${round}: CPU ms per decode step: node ${step(n1, nN)}, workerd ${step(e1, eN)} (workerd pids ${pids.join(',')}; per request at 1 token: node ${(n1 / K).toFixed(2)}, workerd ${(e1 / K).toFixed(2)})`);
    }
  } finally {
    await stop();
    await session.release();
  }
}

/** A fresh worker's decode step over its first requests: wall per step (N-token − 1-token) and CPU per round. */
async function warmupCurve(): Promise<void> {
  const { worker, stop } = await startedEdge();
  try {
    const edge = edgeRunner(worker.url);
    const pid = workerdPids()[0]!;
    const t0 = performance.now();
    for (let round = 0; round < 24; round++) {
      const c = processCpuMs(pid);
      const steps: number[] = [];
      for (let i = 0; i < 3; i++) {
        const one = await edge(1);
        const many = await edge(TOKENS);
        steps.push((many.outer - one.outer) / (TOKENS - 1));
      }
      console.log(`round ${round} at ${((performance.now() - t0) / 1000).toFixed(1)} s: wall ms per step ${steps.map((x) => x.toFixed(2)).join(' ')}; workerd CPU this round ${(processCpuMs(pid) - c).toFixed(0)} ms`);
    }
  } finally {
    await stop();
  }
}

async function startedEdge(inspect = false): Promise<{ worker: LocalWorker; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pare-lm-prof-'));
  const bundle = path.join(dir, 'bundle');
  fs.mkdirSync(bundle);
  buildUpload(bundle);
  const worker = new LocalWorker(await freePort(), path.join(dir, 'state'), randomBytes(24).toString('hex'), bundle, inspect ? await freePort() : undefined);
  await worker.applyMigrations();
  await worker.start();
  const client = new EdgeClient({ endpoint: worker.url, token: worker.token });
  await client.deployVariant({ model: lm.manifest.model, variant: 'fp32', bytes: lm.folder.modelBytes, manifest: lm.manifest, tokenizer: lm.folder.tokenizer.bytes });
  return { worker, stop: async () => { await worker.stop(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** Warm (WARM requests first: a fresh isolate's wasm is still being optimised), then REQUESTS generations profiled. */
const WARM = 60;

async function edgeProfile(): Promise<void> {
  const { worker, stop } = await startedEdge(true);
  try {
    const edge = edgeRunner(worker.url);
    for (let i = 0; i < WARM; i++) await edge(TOKENS);
    const profiler = await workerdProfiler(worker.inspectorPort!, Number(args.interval));
    await profiler.start();
    for (let i = 0; i < REQUESTS; i++) await edge(TOKENS);
    const profile = await profiler.stop();
    await profiler.close();
    fs.writeFileSync(path.join(args.out!, 'workerd.cpuprofile'), JSON.stringify(profile));
    console.log(renderTimes('workerd', functionTimes(profile), REQUESTS * TOKENS));
  } finally {
    await stop();
  }
}

async function nodeProfile(): Promise<void> {
  const session = await webNodeBackend.createSession(lm.folder.modelBytes);
  try {
    const node = nodeRunner(session);
    for (let i = 0; i < WARM; i++) await node(TOKENS);
    const profiler = await nodeProfiler(Number(args.interval));
    await profiler.start();
    for (let i = 0; i < REQUESTS; i++) await node(TOKENS);
    const profile = await profiler.stop();
    await profiler.close();
    fs.writeFileSync(path.join(args.out!, 'node.cpuprofile'), JSON.stringify(profile));
    console.log(renderTimes('node (onnxruntime-web)', functionTimes(profile), REQUESTS * TOKENS));
  } finally {
    await session.release();
  }
}

if (args.only!.includes('interleaved')) await interleaved();
if (args.only!.includes('cpu')) await cpuPerStep();
if (args.only!.includes('warmup')) await warmupCurve();
if (args.only!.includes('profile')) {
  await nodeProfile();
  await edgeProfile();
}
