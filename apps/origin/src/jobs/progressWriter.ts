import type { JobStore } from './jobStore';

/**
 * Coalesces progress reports so a handler may call progress() per item without a write per item. Writes are
 * fenced by the attempt's id: once another attempt owns the job they stop landing.
 */
export class ProgressWriter {
  private latest: { fraction: number; message?: string } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private lastWrite = 0;

  constructor(private readonly store: JobStore, private readonly id: string, private readonly attemptId: string, private readonly intervalMs: number) {}

  report(fraction: number, message?: string): void {
    this.latest = { fraction: Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0)), message };
    const wait = this.lastWrite + this.intervalMs - Date.now();
    if (wait <= 0) this.write();
    else this.timer ??= setTimeout(() => this.write(), wait);
  }

  async flush(): Promise<void> {
    if (this.latest) this.write();
    await this.writing;
  }

  /** Drop what is pending: the attempt has lost its job. */
  discard(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.latest = undefined;
  }

  private write(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const latest = this.latest;
    if (!latest) return;
    this.latest = undefined;
    this.lastWrite = Date.now();
    const patch = latest.message === undefined ? { progress: latest.fraction } : { progress: latest.fraction, message: latest.message };
    this.writing = this.writing
      .then(() => this.store.update(this.id, patch, { states: ['running'], attemptId: this.attemptId }))
      .then(() => undefined, () => undefined);
  }
}
