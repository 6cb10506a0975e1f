import type { Command } from 'commander';
import { registerInspect } from './inspect';

/** Every command of `pare`; each file exports one function that adds its command to the program. */
export const commands: Array<(program: Command) => void> = [registerInspect];
