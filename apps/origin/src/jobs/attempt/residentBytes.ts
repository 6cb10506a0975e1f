import { readFileSync } from 'node:fs';

// A process's resident memory, read from /proc (Linux). Undefined elsewhere or once the process is gone: the
// memory limit of a job then goes unchecked rather than guessed.

export function residentBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
