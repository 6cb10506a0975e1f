import type { Command } from 'commander';

/** Every command of `pare`; each file exports one function that adds its command to the program. */
export const commands: Array<(program: Command) => void> = [];
