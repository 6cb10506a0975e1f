// A V8 CPU profile (the Chrome DevTools Protocol's Profiler.Profile) summed by function: self and inclusive
// milliseconds per function and script, so that a workerd profile and a Node one of the same loop compare (the
// profiles come from bench/edgeSpeed/cpuProfile.ts).
import type { CpuProfile } from '../edgeSpeed/cpuProfile';

export interface FunctionTime {
  name: string;
  selfMs: number;
  totalMs: number;
}

function label(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const file = frame.url ? frame.url.split('/').pop() : '';
  return `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
}

/** Functions by self time, with their inclusive time (a function counted once per sample even when recursive). */
export function functionTimes(profile: CpuProfile): { totalMs: number; functions: FunctionTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => {
    const ms = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    all += ms;
    const node = byId.get(id)!;
    const own = label(node.callFrame);
    self.set(own, (self.get(own) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = label(byId.get(at)!.callFrame);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + ms);
    }
  });
  const functions = [...self.keys()].concat([...total.keys()].filter((k) => !self.has(k))).map((name) => ({ name, selfMs: self.get(name) ?? 0, totalMs: total.get(name) ?? 0 }));
  return { totalMs: all, functions: functions.sort((a, b) => b.selfMs - a.selfMs) };
}

export function renderTimes(title: string, t: { totalMs: number; functions: FunctionTime[] }, perStep: number, top = 25): string {
  const lines = [`${title}: ${t.totalMs.toFixed(0)} ms sampled; ms per decode step (${perStep} steps): self / inclusive`];
  for (const f of t.functions.slice(0, top)) lines.push(`  ${(f.selfMs / perStep).toFixed(4).padStart(8)} ${(f.totalMs / perStep).toFixed(4).padStart(8)}  ${f.name}`);
  const byTotal = [...t.functions].sort((a, b) => b.totalMs - a.totalMs).slice(0, top);
  lines.push('  by inclusive time:');
  for (const f of byTotal) lines.push(`  ${(f.selfMs / perStep).toFixed(4).padStart(8)} ${(f.totalMs / perStep).toFixed(4).padStart(8)}  ${f.name}`);
  return lines.join('\n');
}
