// `pare completion bash|zsh`: a completion script written from the program itself (its commands and their
// options), so it never drifts from what the CLI accepts. `eval "$(pare completion bash)"` in ~/.bashrc, or
// `pare completion zsh > "${fpath[1]}/_pare"`.
import { Argument, type Command, type Option } from 'commander';
import { PareError } from '@pare/errors';

const SHELLS = ['bash', 'zsh'] as const;
type Shell = (typeof SHELLS)[number];

interface CommandSpec {
  name: string;
  description: string;
  options: Array<{ flag: string; description: string; takesValue: boolean; choices?: readonly string[] }>;
}

function specOf(command: Command): CommandSpec {
  const options = (command.options as readonly Option[])
    .filter((o) => o.long)
    .map((o) => ({ flag: o.long!, description: o.description, takesValue: o.required || o.optional, choices: o.argChoices }));
  options.push({ flag: '--help', description: 'show help', takesValue: false, choices: undefined });
  return { name: command.name(), description: command.description(), options };
}

const words = (xs: readonly string[]): string => xs.join(' ');
/** zsh _arguments specs: brackets, colons and quotes in descriptions would end the spec early. */
const zshText = (s: string): string => s.replace(/[[\]:'\\`$]/g, ' ').replace(/\s+/g, ' ').trim();

export function bashCompletion(program: Command): string {
  const specs = program.commands.map(specOf);
  const cases = specs.map((c) => `    ${c.name}) opts="${words(c.options.map((o) => o.flag))}" ;;`).join('\n');
  const valued = specs.flatMap((c) => c.options.filter((o) => o.choices).map((o) => `    ${c.name}:${o.flag}) COMPREPLY=($(compgen -W "${words(o.choices!)}" -- "$cur")); return ;;`));
  return `# bash completion for pare: eval "$(pare completion bash)"
_pare() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmd=\${COMP_WORDS[1]} opts
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${words(specs.map((c) => c.name))} --help --version --no-color" -- "$cur"))
    return
  fi
  case "$cmd:$prev" in
${valued.join('\n')}
  esac
  case "$cmd" in
${cases}
    *) opts="" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts --no-color" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -o bashdefault -F _pare pare
`;
}

export function zshCompletion(program: Command): string {
  const specs = program.commands.map(specOf);
  const list = specs.map((c) => `    '${c.name}:${zshText(c.description)}'`).join('\n');
  const cases = specs
    .map((c) => {
      const args = c.options.map((o) => `'${o.flag}[${zshText(o.description)}]${o.takesValue ? `:value:${o.choices ? `(${words(o.choices)})` : '_files'}` : ''}'`);
      return `    ${c.name}) _arguments ${args.join(' ')} '--no-color[plain output]' '*:file:_files' ;;`;
    })
    .join('\n');
  return `#compdef pare
# zsh completion for pare: pare completion zsh > "\${fpath[1]}/_pare" (or eval "$(pare completion zsh)")
_pare() {
  local -a commands
  commands=(
${list}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case $words[2] in
${cases}
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _pare "$@"; else compdef _pare pare; fi
`;
}

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('Print a shell completion script: eval "$(pare completion bash)"')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(SHELLS))
    .action((shell: Shell) => {
      if (!SHELLS.includes(shell)) throw new PareError('option_invalid', `pare completion takes bash or zsh, got "${shell}".`);
      process.stdout.write(shell === 'bash' ? bashCompletion(program) : zshCompletion(program));
    });
}
