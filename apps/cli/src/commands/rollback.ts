// `pare rollback <model>`: restore the traffic weights in force before the last change.
import type { Command } from 'commander';
import { edgeClient, printJson, withEdgeOptions, type EdgeFlags } from '../edge/edgeOptions';
import { formatWeights } from './traffic';

export function registerRollback(program: Command): void {
  withEdgeOptions(
    program
      .command('rollback')
      .description('Restore a model\'s previous traffic weights')
      .argument('<model>', 'the model'),
  ).action(async (model: string, flags: EdgeFlags) => {
    const result = await edgeClient(flags).rollback(model);
    if (flags.json) return printJson(result);
    process.stdout.write(
      `${model}: rolled back from version ${result.rolledBack.version} (${formatWeights(result.rolledBack.weights)}) to version ${result.deployment.version} (${formatWeights(result.deployment.weights)})\n`,
    );
  });
}
