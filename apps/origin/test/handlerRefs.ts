import { fileURLToPath } from 'node:url';
import type { HandlerRef } from '../src/jobs/attempt/handlerRef';

// The test handlers as references, so they run in a job's child process exactly as the default handlers do.

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

export const sleepyRef = (totalMs: number, steps = 20): HandlerRef => ({ module: here('./sleepyHandler.ts'), export: 'sleepyHandler', args: [totalMs, steps] });

export const hungryRef = (chunkBytes: number, maxChunks: number): HandlerRef => ({ module: here('./hungryHandler.ts'), export: 'hungryHandler', args: [chunkBytes, maxChunks] });

export const blockingRef = (blockMs: number): HandlerRef => ({ module: here('./blockingHandler.ts'), export: 'blockingHandler', args: [blockMs] });

export const publishingRef = (edge: string, token: string, waitMs: number): HandlerRef => ({ module: here('./publishingHandler.ts'), export: 'publishingHandler', args: [edge, token, waitMs] });
