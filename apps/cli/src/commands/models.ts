// `pare models`: the deployed models, their variants, sizes, weights and health.
import type { Command } from 'commander';
import { newTable } from '../shared/table';
import { edgeClient, printJson, withEdgeOptions, type EdgeFlags } from '../edge/edgeOptions';
import type { ModelInfo } from '@pare/clients';

function modelsTable(models: readonly ModelInfo[]): string {
  if (models.length === 0) return 'No models deployed yet: `pare deploy <model.onnx> --model <m> --variant <v>`.\n';
  const table = newTable({ head: ['model', 'variant', 'weight', 'status', 'bytes', 'sha256', 'created'] });
  for (const m of models) {
    for (const v of m.variants) {
      table.push([m.name, v.name, `${v.weight}%`, v.status === 'healthy' ? 'healthy' : 'UNHEALTHY (reason on /dashboard)', v.bytes.toLocaleString('en-US'), v.sha256.slice(0, 12), v.createdAt.slice(0, 19).replace('T', ' ')]);
    }
  }
  return `${table.toString()}\n`;
}

export function registerModels(program: Command): void {
  withEdgeOptions(program.command('models').description('List deployed models and variants: sizes, traffic weights, health')).action(async (flags: EdgeFlags) => {
    const { models } = await edgeClient(flags).listModels();
    if (flags.json) return printJson(models);
    process.stdout.write(modelsTable(models));
  });
}
