import { isPareError } from '@pare/errors';
import { defaultHandlers } from '../../handlers/index';
import { setPublishGuard } from '../../publish/publishGuard';
import type { JobHandler } from '../jobHandler';
import type { AttemptError, FromAttempt, ToAttempt } from './attemptMessages';
import { loadHandler } from './handlerRef';

// The entry of the child process that runs one attempt of a job (forked by ./processAttempt.ts). It loads the
// handler, gives it a context whose progress and log lines go to the origin over IPC, and reports the result.
// When the origin goes away (killed, crashed) the IPC channel closes and this process exits at once, so an
// orphaned attempt never keeps computing or publishes behind the job's new owner.

const PROGRESS_MS = 50;

function send(message: FromAttempt): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, undefined, () => resolve());
  });
}

const controller = new AbortController();
process.on('disconnect', () => process.exit(70));

// Each publish waits for the origin's word that this attempt still owns the job.
const verdicts = new Map<number, (allowed: boolean) => void>();
let asked = 0;
setPublishGuard(() => new Promise<boolean>((resolve) => {
  const seq = ++asked;
  verdicts.set(seq, resolve);
  void send({ kind: 'may-publish', seq });
}));

process.on('message', (message: ToAttempt) => {
  if (message.kind === 'abort') controller.abort(message.reason);
  else if (message.kind === 'publish-verdict') {
    verdicts.get(message.seq)?.(message.allowed);
    verdicts.delete(message.seq);
  } else void run(message).then(() => process.exit(0));
});

async function run(start: Extract<ToAttempt, { kind: 'start' }>): Promise<void> {
  // Progress is coalesced here too: a handler may report per item, and each report would be one IPC message.
  let pending: { fraction: number; message?: string } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flushProgress = (): void => {
    timer = undefined;
    if (pending) void send({ kind: 'progress', ...pending });
    pending = undefined;
  };
  try {
    const handler: JobHandler = start.handler ? await loadHandler(start.handler) : (defaultHandlers[start.spec.type] as JobHandler);
    const result = await handler(start.spec, {
      jobId: start.jobId,
      artifactsDir: start.artifactsDir,
      signal: controller.signal,
      progress: (fraction, message) => {
        pending = { fraction, message };
        timer ??= setTimeout(flushProgress, PROGRESS_MS);
      },
      log: {
        info: (m) => void send({ kind: 'log', level: 'info', message: m }),
        warn: (m) => void send({ kind: 'log', level: 'warn', message: m }),
        error: (m) => void send({ kind: 'log', level: 'error', message: m }),
      },
    });
    if (timer) clearTimeout(timer);
    flushProgress();
    await send({ kind: 'done', result: { metrics: result.metrics, artifacts: result.artifacts } });
  } catch (error) {
    if (timer) clearTimeout(timer);
    flushProgress();
    await send({ kind: 'failed', error: attemptError(error) });
  }
}

function attemptError(error: unknown): AttemptError {
  if (isPareError(error)) return { code: error.code, message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}

await send({ kind: 'ready' });
