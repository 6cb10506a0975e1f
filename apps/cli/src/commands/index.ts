import type { Command } from 'commander';
import { registerCompress } from './compress';
import { registerEval } from './eval';
import { registerInspect } from './inspect';

/** Every command of `pare`; each file exports one function that adds its command to the program. */
export const commands: Array<(program: Command) => void> = [registerCompress, registerEval, registerInspect];
