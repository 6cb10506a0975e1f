import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobContext } from '../src/jobs/jobHandler';

// A JobContext for calling a handler directly: it records progress and log lines for assertions.

export interface RecordingContext extends JobContext {
  logs: Array<{ level: string; message: string }>;
  progressSeen: number[];
  abort(): void;
}

export function recordingContext(): RecordingContext {
  const controller = new AbortController();
  const logs: RecordingContext['logs'] = [];
  const progressSeen: number[] = [];
  return {
    jobId: 'job_test',
    artifactsDir: mkdtempSync(join(tmpdir(), 'pare-artifacts-')),
    signal: controller.signal,
    abort: () => controller.abort('cancelled'),
    logs,
    progressSeen,
    progress: (fraction) => progressSeen.push(fraction),
    log: {
      info: (message) => logs.push({ level: 'info', message }),
      warn: (message) => logs.push({ level: 'warn', message }),
      error: (message) => logs.push({ level: 'error', message }),
    },
  };
}
