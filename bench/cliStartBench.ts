// How long `pare` takes to answer before doing any work: `pare --version` and `pare models --help` from the
// bundle `npm run build -w @pare/cli` writes, against the same commands run from the TypeScript sources through
// tsx (PARE_CLI_FROM_SOURCE=1, what every run cost before the build), side by side, with bare `node -e 0` as the
// floor. Run: npm run bench -- --only cli-start [--runs 15]. Writes bench-results/cli-start.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from '../apps/edge/bench/latencyStats';

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'apps/cli/bin/pare.js');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const RUNS = Number(values.runs);

const build = spawnSync('npm', ['run', 'build', '-w', '@pare/cli'], { cwd: root, encoding: 'utf8' });
if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);

/** Median wall time of `node <args>` over RUNS runs (one warm-up run first), ms. */
function timed(args: string[], env: Record<string, string> = {}): number {
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
    if (i > 0) times.push(ms);
  }
  return median(times);
}

const floor = timed(['-e', '0']);
const rows = [
  ['pare --version', timed([bin, '--version']), timed([bin, '--version'], { PARE_CLI_FROM_SOURCE: '1' })],
  ['pare models --help', timed([bin, 'models', '--help']), timed([bin, 'models', '--help'], { PARE_CLI_FROM_SOURCE: '1' })],
] as const;

const fmt = (ms: number): string => `${ms.toFixed(0)} ms`;
const lines = [
  '# CLI start-up',
  '',
  `\`npm run bench -- --only cli-start\` (\`npx tsx bench/cliStartBench.ts --runs ${RUNS}\`): median wall time of ${RUNS} runs each, after one warm-up, on ${os.cpus().length} cores (load average ${os.loadavg()[0]!.toFixed(1)} when it ran: every figure is inflated by the load, the columns \"above node -e 0\" are what pare itself adds). The bundle is apps/cli/dist (esbuild, one chunk per command, so a command loads only what it uses); "from source" is the same command through tsx, as every run was before the build.`,
  '',
  '| command | bundle | bundle above `node -e 0` | from source (tsx) | from source above `node -e 0` | source ÷ bundle |',
  '|---|---|---|---|---|---|',
  ...rows.map(([name, bundle, source]) => `| \`${name}\` | ${fmt(bundle)} | ${fmt(bundle - floor)} | ${fmt(source)} | ${fmt(source - floor)} | ${(source / bundle).toFixed(1)}× |`),
  `| \`node -e 0\` (floor: Node's own start on this machine) | ${fmt(floor)} | | | | |`,
  '',
];
mkdirSync(path.join(root, 'bench-results'), { recursive: true });
writeFileSync(path.join(root, 'bench-results', 'cli-start.md'), `${lines.join('\n')}\n`);
process.stdout.write(`${lines.join('\n')}\n`);
