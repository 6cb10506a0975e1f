// `promtool check metrics` (Debian's prometheus package, installed by .ci/run) for tests: whether it is
// installed, and what it says of a scrape's body. Node only (child_process): imported as
// @pare/prometheus/promtool, never by the edge bundle.
import { spawnSync } from 'node:child_process';

export interface PromtoolResult {
  ok: boolean;
  output: string;
}

export function promtoolAvailable(): boolean {
  return spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** A test's name that says why it is skipped where promtool is missing. */
export function promtoolTestName(name: string): string {
  return promtoolAvailable() ? name : `${name} [SKIPPED: promtool is not installed; apt-get install prometheus]`;
}

/** Pipes a scrape's body through `promtool check metrics`; lint problems fail it as errors do. */
export function checkMetrics(text: string): PromtoolResult {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  return { ok: result.status === 0 && output === '', output };
}
