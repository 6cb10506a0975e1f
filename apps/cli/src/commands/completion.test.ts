import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runPare } from '../../test/runPare';

/** Complete `line` (words so far, the last being completed) in a real bash with the script loaded. */
function bashComplete(script: string, line: string[]): string[] {
  const words = line.map((w) => `'${w}'`).join(' ');
  const run = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=${line.length - 1}; _pare; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.split('\n').filter(Boolean);
}

describe('pare completion', () => {
  it('completes commands, each command\'s options and option choices in bash', async () => {
    const r = await runPare(['completion', 'bash']);
    expect(r.code, r.stderr).toBe(0);
    expect(bashComplete(r.stdout, ['pare', 'com'])).toEqual(['compress', 'completion']);
    expect(bashComplete(r.stdout, ['pare', 'compress', '--quant'])).toEqual(['--quantize']);
    expect(bashComplete(r.stdout, ['pare', 'ab', '--w'])).toEqual(['--window']);
    expect(bashComplete(r.stdout, ['pare', 'completion', '--'])).toContain('--help');
  });

  it('writes a zsh script that names every command', async () => {
    const r = await runPare(['completion', 'zsh']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('#compdef pare\n')).toBe(true);
    for (const command of ['compress', 'deploy', 'traffic', 'ab', 'completion']) expect(r.stdout).toMatch(new RegExp(`'${command}:`));
    expect(r.stdout).toMatch(/'--quantize\[[^\]]+\]:value:_files'/);
  });

  it('refuses another shell as a usage error', async () => {
    const r = await runPare(['completion', 'fish']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Allowed choices are bash, zsh/);
  });
});
