// `pare promote <model> <variant>`: send all of a model's traffic to one variant.
import type { Command } from 'commander';
import { edgeClient, printJson, withEdgeOptions, type EdgeFlags } from '../edge/edgeOptions';
import { formatWeights } from './traffic';

export function registerPromote(program: Command): void {
  withEdgeOptions(
    program
      .command('promote')
      .description('Give one variant 100% of its model\'s traffic (undo with `pare rollback`)')
      .argument('<model>', 'the model')
      .argument('<variant>', 'the variant to promote'),
  ).action(async (model: string, variant: string, flags: EdgeFlags) => {
    const { deployment } = await edgeClient(flags).promote(model, variant);
    if (flags.json) return printJson(deployment);
    process.stdout.write(`${model}: promoted ${variant}; traffic ${formatWeights(deployment.weights)} (deployment version ${deployment.version})\n`);
  });
}
