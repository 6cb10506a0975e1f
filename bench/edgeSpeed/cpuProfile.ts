// CPU profiles of workerd's isolate (V8's inspector over the Chrome DevTools Protocol, the port Miniflare's
// `inspectorPort` opens) and of this Node process (node:inspector, where Miniflare's local queue, D1 and R2
// services run), summed up as self time per function: what a request spends its CPU on.
import { Session } from 'node:inspector/promises';
import WebSocket from 'ws';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  /** `function (file:line)`, or V8's own `(program)`, `(garbage collector)`, `(idle)`. */
  name: string;
  ms: number;
  share: number;
}

/** Self time per function, largest first; `share` is of the profile's whole span. */
export function selfTimes(profile: CpuProfile): SelfTime[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // Each sample's time is the delta that follows it (the interval until the next sample).
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i]!);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url ? url.replace(/^.*\//, '') : '';
    const name = file ? `${functionName || '(anonymous)'} (${file}:${lineNumber + 1})` : functionName || '(anonymous)';
    ms.set(name, (ms.get(name) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  }
  const span = (profile.endTime - profile.startTime) / 1000;
  return [...ms.entries()].map(([name, t]) => ({ name, ms: t, share: t / span })).sort((a, b) => b.ms - a.ms);
}

/** A small CDP client over one WebSocket. */
class Cdp {
  private next = 1;
  private waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: { toString(): string }) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
      const w = message.id !== undefined ? this.waiting.get(message.id) : undefined;
      if (!w) return;
      this.waiting.delete(message.id!);
      if (message.error) w.reject(new Error(message.error.message));
      else w.resolve(message.result);
    });
  }
  send<T>(method: string, params?: object): Promise<T> {
    const id = this.next++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise<T>((resolve, reject) => this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }
  close(): void {
    this.ws.close();
  }
}

export interface Profiler {
  start(): Promise<void>;
  stop(): Promise<CpuProfile>;
  close(): Promise<void>;
}

/** The workers behind an inspector port: the user worker (`core:user:<name>`) and Miniflare's own (entry, queue, D1, R2). */
export async function workerdTargets(inspectorPort: number): Promise<string[]> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as Array<{ id: string }>;
  return targets.map((t) => t.id);
}

/** Busy time of a profile: its samples that were not idle, each counted at the median sampling interval. */
export function busyMs(profile: CpuProfile): number {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const deltas = [...(profile.timeDeltas ?? [])].sort((a, b) => a - b);
  const interval = deltas.length > 0 ? deltas[Math.floor(deltas.length / 2)]! / 1000 : 0;
  return (profile.samples ?? []).filter((id) => byId.get(id)?.callFrame.functionName !== '(idle)').length * interval;
}

/** The sampling profiler of one worker in workerd behind an inspector port (default: the user worker). */
export async function workerdProfiler(inspectorPort: number, intervalUs = 200, targetPrefix = 'core:user:'): Promise<Profiler> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as Array<{ id: string; webSocketDebuggerUrl?: string }>;
  const target = targets.find((t) => t.id.startsWith(targetPrefix));
  if (!target) throw new Error(`no ${targetPrefix} among the inspector's targets (${targets.map((t) => t.id).join(', ')})`);
  const ws = new WebSocket(target.webSocketDebuggerUrl ?? `ws://127.0.0.1:${inspectorPort}/${target.id}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const cdp = new Cdp(ws);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
  return {
    start: async () => {
      await cdp.send('Profiler.start');
    },
    stop: async () => (await cdp.send<{ profile: CpuProfile }>('Profiler.stop')).profile,
    close: async () => cdp.close(),
  };
}

/** The sampling profiler of this Node process. */
export async function nodeProfiler(intervalUs = 200): Promise<Profiler> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  return {
    start: async () => {
      await session.post('Profiler.start');
    },
    stop: async () => (await session.post('Profiler.stop')).profile as unknown as CpuProfile,
    close: async () => session.disconnect(),
  };
}

/** The top `n` rows as a markdown table. */
export function selfTimeTable(rows: SelfTime[], n: number): string {
  return ['| function | self ms | share of the span |', '|---|---|---|', ...rows.slice(0, n).map((r) => `| ${r.name.replace(/\|/g, '\\|')} | ${r.ms.toFixed(1)} | ${(100 * r.share).toFixed(1)}% |`)].join('\n');
}
