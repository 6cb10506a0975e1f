import type { Command } from 'commander';

/** Adds one command to the program; each file under commands/ exports one. */
export type RegisterCommand = (program: Command) => void;

/**
 * Every command of `pare`, loaded on demand: a run registers (and so loads) only the command it names, so
 * `pare --version` or `pare models` never loads onnxruntime. Help and completion load them all.
 */
export const commandLoaders: Record<string, () => Promise<RegisterCommand>> = {
  compress: async () => (await import('./compress')).registerCompress,
  eval: async () => (await import('./eval')).registerEval,
  inspect: async () => (await import('./inspect')).registerInspect,
  jobs: async () => (await import('./jobs')).registerJobs,
  job: async () => (await import('./job')).registerJob,
  distill: async () => (await import('./distill')).registerDistill,
  deploy: async () => (await import('./deploy')).registerDeploy,
  traffic: async () => (await import('./traffic')).registerTraffic,
  promote: async () => (await import('./promote')).registerPromote,
  rollback: async () => (await import('./rollback')).registerRollback,
  models: async () => (await import('./models')).registerModels,
  stats: async () => (await import('./stats')).registerStats,
  ab: async () => (await import('./ab')).registerAb,
  delete: async () => (await import('./delete')).registerDelete,
  completion: async () => (await import('./completion')).registerCompletion,
};

/** The commands a run needs: none for --version alone, the named one, or all (help, completion, a typo). */
export async function commandsFor(args: readonly string[]): Promise<RegisterCommand[]> {
  const first = args[0];
  if (args.length === 1 && (first === '--version' || first === '-V')) return [];
  const names = first !== undefined && first !== 'completion' && first !== 'help' && Object.hasOwn(commandLoaders, first) ? [first] : Object.keys(commandLoaders);
  return Promise.all(names.map((name) => commandLoaders[name]!()));
}
