// Progress on stderr for steps that take more than a moment. Off when stderr is not a terminal (CI, pipes)
// and with --json, so machine-read output stays clean.
import cliProgress from 'cli-progress';

export interface Progress {
  start(total: number, label: string): void;
  update(done: number, label: string): void;
  stop(): void;
}

const SILENT: Progress = { start() {}, update() {}, stop() {} };

export function createProgress(enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return SILENT;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{bar} {value}/{total} {label}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  return {
    start(total, label) {
      if (running) bar.stop();
      bar.start(total, 0, { label });
      running = true;
    },
    update(done, label) {
      if (running) bar.update(done, { label });
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
