// `pare stats <model> [--window 15m|1h|24h|7d]`: per-variant requests, error rate and latency percentiles
// the worker recorded in D1; for a text-generation model also time to first token, tokens/s and tokens per request.
import type { Command } from 'commander';
import { newTable } from '../shared/table';
import { PareError } from '@pare/errors';
import { edgeClient, printJson, withEdgeOptions, type EdgeFlags } from '../edge/edgeOptions';
import type { ModelStats } from '@pare/clients';

const WINDOWS = ['15m', '1h', '24h', '7d'];

function ms(value: number | null): string {
  return value === null ? '-' : value < 1 ? value.toFixed(3) : value.toFixed(1);
}

function statsTable(stats: ModelStats): string {
  const table = newTable({ head: ['variant', 'weight', 'status', 'requests', 'errors', 'error rate', 'p50 ms', 'p95 ms', 'p99 ms', 'cpu p50 ms'] });
  for (const v of stats.variants) {
    table.push([v.variant, `${v.weight}%`, v.status, v.count, v.errors, `${(v.errorRate * 100).toFixed(2)}%`, ms(v.p50Ms), ms(v.p95Ms), ms(v.p99Ms), v.cpu ? ms(v.cpu.p50Ms) : '-']);
  }
  return `${stats.model}, last ${stats.window} (latency: ${stats.latencySource === 'isolate' ? 'in-isolate wall time' : stats.latencySource}; cpu: Tail Worker cpuTime where wired)\n${table.toString()}\n${generationTable(stats)}`;
}

const mean = (value: number | null): string => (value === null ? '-' : value.toFixed(1));

/** A text-generation model's variants also say how they generate; other models print nothing more. */
function generationTable(stats: ModelStats): string {
  if (!stats.variants.some((v) => v.generation)) return '';
  const table = newTable({ head: ['variant', 'generations', 'ttft p50 ms', 'ttft p95 ms', 'tokens/s', 'tokens/request'] });
  for (const v of stats.variants) {
    const g = v.generation;
    table.push([v.variant, g?.generations ?? 0, ms(g?.ttftP50Ms ?? null), ms(g?.ttftP95Ms ?? null), mean(g?.tokensPerSecondMean ?? null), mean(g?.tokensPerRequestMean ?? null)]);
  }
  return `generation (ttft: time to first token; tokens/s: mean decode speed)\n${table.toString()}\n`;
}

export function registerStats(program: Command): void {
  withEdgeOptions(
    program
      .command('stats')
      .description('Per-variant requests, error rate and p50/p95/p99 latency recorded by the edge')
      .argument('<model>', 'the model')
      .option('--window <window>', `time window: ${WINDOWS.join(', ')}`, '1h'),
  ).action(async (model: string, flags: EdgeFlags & { window: string }) => {
    if (!WINDOWS.includes(flags.window)) throw new PareError('window_invalid', `--window must be one of ${WINDOWS.join(', ')}, got "${flags.window}".`);
    const stats = await edgeClient(flags).stats(model, flags.window);
    if (flags.json) return printJson(stats);
    process.stdout.write(statsTable(stats));
  });
}
