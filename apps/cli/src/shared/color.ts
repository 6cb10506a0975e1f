// Whether the CLI may colour its output: never for NO_COLOR (no-color.org), --no-color, TERM=dumb or a stdout that
// is not a terminal (a pipe, a file, CI logs); FORCE_COLOR asks for colour anyway. Every table goes through table.ts,
// which reads this, so no command prints an ANSI code into a pipe.

let disabledByFlag = false;

/** `--no-color` anywhere on the command line (main.ts reads it before commander parses). */
export function disableColor(): void {
  disabledByFlag = true;
}

export function colorEnabled(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (disabledByFlag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}
