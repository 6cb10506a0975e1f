import type { Command } from 'commander';
import { registerCompress } from './compress';
import { registerEval } from './eval';
import { registerInspect } from './inspect';
import { registerDistill } from './distill';
import { registerJob } from './job';
import { registerJobs } from './jobs';
import { registerDeploy } from './deploy';
import { registerTraffic } from './traffic';
import { registerPromote } from './promote';
import { registerRollback } from './rollback';
import { registerModels } from './models';
import { registerStats } from './stats';
import { registerAb } from './ab';
import { registerDelete } from './delete';

/** Every command of `pare`; each file exports one function that adds its command to the program. */
export const commands: Array<(program: Command) => void> = [registerCompress, registerEval, registerInspect, registerJobs, registerJob, registerDistill, registerDeploy, registerTraffic, registerPromote, registerRollback, registerDelete, registerModels, registerStats, registerAb];
