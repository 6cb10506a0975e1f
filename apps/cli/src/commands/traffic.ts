// `pare traffic <model> <variant>=<weight> …`: set the traffic split (weights sum to 100, healthy variants only).
import type { Command } from 'commander';
import { PareError } from '@pare/errors';
import { edgeClient, printJson, withEdgeOptions, type EdgeFlags } from '../edge/edgeOptions';

/** Bad arguments, found before anything is sent: exit code 2 (main.ts). */
const USAGE = { details: { usage: true } };

export function parseWeights(pairs: readonly string[]): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const pair of pairs) {
    const match = /^([^=\s]+)=(\d+)$/.exec(pair);
    if (!match) throw new PareError('weights_invalid', `"${pair}" is not <variant>=<weight> (an integer from 0 to 100).`, USAGE);
    if (Object.hasOwn(weights, match[1]!)) throw new PareError('weights_invalid', `Variant "${match[1]}" is given twice.`, USAGE);
    weights[match[1]!] = Number(match[2]);
  }
  const sum = Object.values(weights).reduce((a, b) => a + b, 0);
  if (sum !== 100) throw new PareError('weights_invalid', `Weights must sum to 100, they sum to ${sum}.`, USAGE);
  return weights;
}

export function formatWeights(weights: Record<string, number>): string {
  return Object.entries(weights).map(([v, w]) => `${v}=${w}`).join(' ');
}

export function registerTraffic(program: Command): void {
  withEdgeOptions(
    program
      .command('traffic')
      .description('Split a model\'s traffic between its variants, e.g. `pare traffic spam fp32=90 int8=10`')
      .argument('<model>', 'the model')
      .argument('<variant=weight...>', 'weights (integers) that sum to 100')
      .option('--salt <salt>', 'start a new experiment: a new salt reshuffles which units get which variant (default: keep the current one)'),
  ).action(async (model: string, pairs: string[], flags: EdgeFlags & { salt?: string }) => {
    const weights = parseWeights(pairs);
    const { deployment } = await edgeClient(flags).setTraffic(model, weights, { salt: flags.salt });
    if (flags.json) return printJson(deployment);
    const salt = deployment.salt ? `, salt "${deployment.salt}"` : '';
    process.stdout.write(`${model}: traffic ${formatWeights(deployment.weights)} (deployment version ${deployment.version}${salt})\n`);
  });
}
