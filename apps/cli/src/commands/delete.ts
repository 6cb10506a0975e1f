// `pare delete <model> <variant>`: remove a variant that takes no traffic (its R2 objects and its registry row).
import type { Command } from 'commander';
import { edgeClient, printJson, withEdgeOptions, type EdgeFlags } from '../edge/edgeOptions';

export function registerDelete(program: Command): void {
  withEdgeOptions(
    program
      .command('delete')
      .description('Delete a variant that has no traffic (move its share away first with `pare traffic` or `pare promote`)')
      .argument('<model>', 'the model')
      .argument('<variant>', 'the variant to delete'),
  ).action(async (model: string, variant: string, flags: EdgeFlags) => {
    const result = await edgeClient(flags).deleteVariant(model, variant);
    if (flags.json) return printJson(result);
    process.stdout.write(`Deleted ${result.deleted.model}/${result.deleted.variant}\n`);
  });
}
