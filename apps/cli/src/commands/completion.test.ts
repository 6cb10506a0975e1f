import { describe, expect, it } from 'vitest';
import { runPare } from '../../test/runPare';
import { bashComplete, hasShell, zshComplete } from '../../test/shellComplete';

const ZSH = hasShell('zsh');
if (!ZSH) console.warn('pare completion zsh: zsh is not installed, so its completion is not tried in a real zsh (apt-get install zsh).');

describe('pare completion', () => {
  it('completes commands, each command\'s options and option choices in a real bash', async () => {
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

  it.skipIf(!ZSH)('completes commands and a command\'s options in a real zsh (skipped without zsh)', async () => {
    const r = await runPare(['completion', 'zsh']);
    expect(r.code, r.stderr).toBe(0);
    const commands = zshComplete(r.stdout, 'pare ');
    for (const command of ['compress', 'deploy', 'traffic', 'ab', 'completion']) expect(commands).toContain(command);
    expect(zshComplete(r.stdout, 'pare com')).toEqual(['compress', 'completion']);
    expect(zshComplete(r.stdout, 'pare compress --quant')).toEqual(['--quantize']);
    expect(zshComplete(r.stdout, 'pare ab --w')).toEqual(['--window']);
  });

  it('refuses another shell as a usage error', async () => {
    const r = await runPare(['completion', 'fish']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Allowed choices are bash, zsh/);
  });
});
