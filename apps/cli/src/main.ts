import { Command, CommanderError } from 'commander';
import { isPareError } from '@pare/errors';
import { commands } from './commands/index';

/** Build the program; each command lives in its own file under commands/ and registers itself. */
function buildProgram(): Command {
  const program = new Command('pare')
    .description('Compress neural-network models and serve them at the edge')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError();
  for (const registerCommand of commands) registerCommand(program);
  return program;
}

/** Run the CLI; returns the exit code. Known errors print their message, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (isPareError(e)) {
      process.stderr.write(`pare: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`pare: unexpected error (a bug, please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  }
}
