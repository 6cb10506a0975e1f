// Complete a command line in a real shell with a `pare completion` script loaded, and return the candidates.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ZSH_DRIVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'zshComplete.zsh');

export const hasShell = (shell: 'bash' | 'zsh'): boolean => spawnSync(shell, ['--version'], { stdio: 'ignore' }).status === 0;

/** `line`: the words so far, the last being completed (as bash's COMP_WORDS). */
export function bashComplete(script: string, line: string[]): string[] {
  const words = line.map((w) => `'${w}'`).join(' ');
  const run = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=${line.length - 1}; _pare; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bash exited with ${run.status}: ${run.stderr}`);
  return run.stdout.split('\n').filter(Boolean);
}

/** `line`: what is typed before TAB, e.g. "pare " or "pare compress --q". */
export function zshComplete(script: string, line: string): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'pare-zsh-'));
  try {
    const file = path.join(dir, '_pare');
    const out = path.join(dir, 'candidates');
    writeFileSync(file, script);
    writeFileSync(out, '');
    const run = spawnSync('zsh', ['-f', ZSH_DRIVER, file, out, line], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, HOME: dir, TERM: 'xterm' } });
    if (run.status !== 0) throw new Error(`zsh exited with ${run.status ?? run.signal}: ${run.stderr}`);
    return readFileSync(out, 'utf8').split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
