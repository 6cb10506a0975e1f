import type { JobHandler } from '../src/jobs/jobHandler';

// A stand-in handler that keeps allocating (and touching) memory until its signal aborts, as a runaway job would.

export function hungryHandler(chunkBytes: number, maxChunks: number): JobHandler {
  return async (_spec, ctx) => {
    const held: Buffer[] = [];
    for (let i = 0; i < maxChunks; i++) {
      ctx.signal.throwIfAborted();
      held.push(Buffer.alloc(chunkBytes, i & 0xff));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { metrics: { chunks: held.length }, artifacts: [] };
  };
}
