import { expect, test } from 'vitest';
import { jobSpecWire } from '../src/wire/index';

// The wire's job specs: defaults filled in, unknown keys refused. The origin's own checks on top are tested
// in apps/origin.

test('fills in the defaults the origin stores', () => {
  expect(jobSpecWire.parse({ type: 'distill' })).toMatchObject({ teacher: 'train', data: 'spam-assassin', model: 'spam', variants: [] });
  expect(jobSpecWire.parse({ type: 'evaluate', model: 'm', data: 'd' })).toMatchObject({ seed: 1, batchSize: 64, executionProvider: 'cpu', sessions: 1, threshold: 0.5 });
});

test('refuses unknown keys and names outside the variant-name pattern', () => {
  expect(jobSpecWire.safeParse({ type: 'batch-infer', model: 'm', data: 'd', bachSize: 3 }).success).toBe(false);
  expect(jobSpecWire.safeParse({ type: 'distill', publish: { edge: 'http://e.example', model: 'spam', variant: 'Student' } }).success).toBe(false);
});
