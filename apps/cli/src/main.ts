import { Command, CommanderError } from 'commander';
import { isPareError, type PareError } from '@pare/errors';
import { commandsFor, type RegisterCommand } from './commands/index';
import { disableColor } from './shared/color';
import { PARE_VERSION } from './version';

/** Exit codes: 0 done, 1 the work failed, 2 the command was used wrongly (unknown option, bad value). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Codes the CLI's own argument checks throw; the same code from a service (a 4xx) is a failure, not usage. */
const USAGE_CODES = new Set(['option_invalid', 'window_invalid']);

function isUsageError(e: PareError): boolean {
  return e.details?.usage === true || USAGE_CODES.has(e.code);
}

/** Build the program with these commands; each lives in its own file under commands/ and registers itself. */
export function buildProgram(commands: readonly RegisterCommand[]): Command {
  const program = new Command('pare')
    .description('Compress neural-network models and serve them at the edge')
    .version(PARE_VERSION)
    .option('--no-color', 'plain output without colours (also NO_COLOR=1, and whenever stdout is not a terminal)')
    .exitOverride()
    .showHelpAfterError();
  for (const registerCommand of commands) registerCommand(program);
  return program;
}

/** Run the CLI; returns the exit code. Known errors print their message, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  // --no-color may follow any command: read it here and hide it from the subcommands' parsers.
  if (argv.slice(2).includes('--no-color')) disableColor();
  const args = [...argv.slice(0, 2), ...argv.slice(2).filter((a) => a !== '--no-color')];
  try {
    await buildProgram(await commandsFor(args.slice(2))).parseAsync(args);
    return EXIT.ok;
  } catch (e) {
    // Help and --version exit 0; every parse error (unknown option or command, missing argument) is usage.
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (isPareError(e)) {
      process.stderr.write(`pare: ${e.message}\n`);
      return isUsageError(e) ? EXIT.usage : EXIT.failed;
    }
    process.stderr.write(`pare: unexpected error (a bug, please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.failed;
  }
}
