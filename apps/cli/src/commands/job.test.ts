import { describe, expect, it } from 'vitest';
import type { JobRecord } from '@pare/clients';
import { requireSuccess } from './job';

const job = (state: JobRecord['state']): JobRecord => ({
  id: 'job_1', type: 'distill', spec: {}, state, progress: 0.4, message: null, metrics: {}, artifacts: [], error: null,
  attempts: 1, maxAttempts: 2, cancelRequested: false, workerId: null, createdAt: '', updatedAt: '', startedAt: null, finishedAt: null,
} as unknown as JobRecord);

describe('requireSuccess', () => {
  it('passes a succeeded job and fails a failed or cancelled one', () => {
    expect(() => requireSuccess(job('succeeded'))).not.toThrow();
    expect(() => requireSuccess(job('failed'))).toThrow(/failed/);
    expect(() => requireSuccess(job('cancelled'))).toThrow(/cancelled/);
  });

  it('does not report success for a job the events stream left unsettled (origin restarted, proxy timeout)', () => {
    expect(() => requireSuccess(job('running'))).toThrow(/job_1 .*still running.*pare job job_1 --follow/);
    expect(() => requireSuccess(job('queued'))).toThrow(/still queued/);
  });
});
