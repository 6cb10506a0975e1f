// Where the edge's CPU goes: self time per function in workerd's isolate and in this Node process (Miniflare's
// local queue, D1 and R2 run here), sampled over the same span.
//   --mode load: under autocannon's load on POST /v1/models/spam/predict (the edge-speed bench's throughput case)
//   --mode cold: a fresh isolate's first answer (an OIP request pinned to --variant)
// Run: npx tsx bench/edgeSpeed/profileEdge.ts [--mode load|cold] [--duration 5] [--connections 8] [--top 30] [--variant student] [--bundle dir]
// --direct: the load goes to the Pare worker's own socket, past Miniflare's entry worker (as edgeSpeedBench's headline).
// Prints markdown tables; --save <dir> also writes the raw .cpuprofile files.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EdgeClient } from '@pare/clients';
import { findCommittedVariants } from '../../infra/models/committedVariants';
import { buildUpload, freePort, LocalWorker, repoRoot } from '../../infra/localEdgeWorker';
import { loadTest, requestsSent, timed } from '../../apps/edge/bench/benchClient';
import { busyMs, nodeProfiler, selfTimes, selfTimeTable, workerdProfiler, workerdTargets, type CpuProfile, type Profiler } from './cpuProfile';

const { values: args } = parseArgs({ options: { mode: { type: 'string', default: 'load' }, duration: { type: 'string', default: '5' }, connections: { type: 'string', default: '8' }, top: { type: 'string', default: '30' }, variant: { type: 'string', default: 'student' }, save: { type: 'string' }, bundle: { type: 'string' }, interval: { type: 'string', default: '200' }, direct: { type: 'boolean', default: false } } });
const MODEL = 'spam';
const TOP = Number(args.top);
const LENGTH = 128;
const ids = Array.from({ length: LENGTH }, (_, i) => 5 + ((i * 37) % 900));
const oipBody = JSON.stringify({ inputs: [{ name: 'input_ids', shape: [1, LENGTH], datatype: 'INT64', data: ids }, { name: 'attention_mask', shape: [1, LENGTH], datatype: 'INT64', data: ids.map(() => 1) }] });
const predictBody = JSON.stringify({ text: 'WIN a FREE prize now, click here to claim your reward before midnight' });

/** The promise's value, or undefined if it failed or took longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([promise.catch(() => undefined), new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);
}

/** CPU time (user + system, ms) of this process's workerd children so far: the isolate and Miniflare's services in it. */
function workerdCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (stat.includes('(workerd)') && Number(fields[1]) === process.pid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return (ticks * 1000) / 100;
}

function print(title: string, profile: CpuProfile): void {
  // --save <dir>: the raw profiles too, for Chrome DevTools' Performance panel.
  if (args.save) mkdirSync(args.save, { recursive: true });
  if (args.save) writeFileSync(path.join(args.save, `${title.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`), JSON.stringify(profile));
  const span = (profile.endTime - profile.startTime) / 1000;
  process.stdout.write(`\n### ${title} (span ${span.toFixed(0)} ms)\n\n${selfTimeTable(selfTimes(profile), TOP)}\n`);
}

async function main(): Promise<void> {
  const committed = findCommittedVariants(path.join(repoRoot, 'infra', 'models')).filter((v) => v.model === MODEL && (v.variant === 'student' || v.variant === 'teacher'));
  // --bundle <dir>: an upload built before (`wrangler deploy --dry-run --outdir <dir>`), to compare two builds.
  const bundleDir = args.bundle ?? mkdtempSync(path.join(os.tmpdir(), 'pare-profile-upload-'));
  if (!args.bundle) buildUpload(bundleDir);
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'pare-profile-state-'));
  const inspectorPort = await freePort();
  const worker = new LocalWorker(await freePort(), stateDir, randomBytes(16).toString('hex'), bundleDir, inspectorPort);
  try {
    await worker.applyMigrations();
    await worker.start();
    const client = new EdgeClient({ endpoint: worker.url, token: worker.token });
    for (const v of committed) await client.deployVariant({ model: MODEL, variant: v.variant, bytes: v.bytes, manifest: v.manifest });
    await client.setTraffic(MODEL, { student: 100, teacher: 0 });
    const node = await nodeProfiler();
    if (args.mode === 'cold') {
      await worker.stop();
      await worker.start();
      const isolate = await workerdProfiler(inspectorPort, 100);
      await isolate.start();
      await node.start();
      const first = await timed(`${worker.url}/v2/models/${MODEL}/versions/${args.variant}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: oipBody });
      const [w, n] = [await isolate.stop(), await node.stop()];
      process.stdout.write(`first answer ${first.ms.toFixed(1)} ms; server-timing: ${first.response.headers.get('server-timing')}\n`);
      print('workerd isolate, cold first request', w);
      print('Node (Miniflare), cold first request', n);
      await isolate.close();
    } else {
      for (let i = 0; i < 50; i++) await timed(`${worker.url}/v1/models/${MODEL}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: predictBody });
      // --interval 0: no sampling (its own cost stays out of the CPU per request).
      const interval = Number(args.interval);
      const isolate = interval > 0 ? await workerdProfiler(inspectorPort, interval) : undefined;
      // Miniflare's own workers (entry, queue broker, D1, R2) run in the same workerd: each profiled apart.
      // A worker whose inspector does not answer within a second is left out.
      const services: Array<{ id: string; profiler: Profiler }> = [];
      for (const id of interval > 0 ? (await workerdTargets(inspectorPort)).filter((t) => !t.startsWith('core:user:')) : []) {
        const profiler = await within(workerdProfiler(inspectorPort, interval, id), 1000);
        if (profiler) services.push({ id, profiler });
        else process.stderr.write(`profile: ${id} did not answer; left out\n`);
      }
      await isolate?.start();
      for (const s of services) await within(s.profiler.start(), 1000);
      process.stderr.write(`profile: sampling ${services.map((s) => s.id).join(", ")}\n`);
      if (isolate) await node.start();
      const cpu0 = workerdCpuMs();
      const base = args.direct ? await worker.directUrl() : worker.url;
      const load = await loadTest(`${base}/v1/models/${MODEL}/predict`, predictBody, { connections: Number(args.connections), durationS: Number(args.duration) });
      const cpuMs = workerdCpuMs() - cpu0;
      const sent = requestsSent(load);
      process.stdout.write(`${load.requests.average} req/s, ${sent} sent, p50 ${load.latency.p50} ms, errors ${load.errors + load.non2xx + load.timeouts}; workerd CPU ${(cpuMs / sent).toFixed(2)} ms per request; load average ${os.loadavg()[0]!.toFixed(2)}\n`);
      if (isolate) {
        const user = await isolate.stop();
        const rows: Array<{ id: string; profile: CpuProfile }> = [{ id: 'core:user: (the Pare worker)', profile: user }];
        for (const s of services) {
          const profile = await within(s.profiler.stop(), 2000);
          if (profile) rows.push({ id: s.id, profile });
        }
        process.stdout.write(`\n### JavaScript busy time per workerd worker (sampled)\n\n| worker | busy ms | per request ms |\n|---|---|---|\n${rows.map((r) => `| ${r.id} | ${busyMs(r.profile).toFixed(0)} | ${(busyMs(r.profile) / sent).toFixed(3)} |`).join('\n')}\n`);
        for (const s of services) await within(s.profiler.close(), 1000);
        print('workerd isolate under load', user);
        print('Node (Miniflare) under load', await node.stop());
        await isolate.close();
      }
    }
    await node.close();
  } finally {
    await worker.stop();
    rmSync(stateDir, { recursive: true, force: true });
    if (!args.bundle) rmSync(bundleDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`profile: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
