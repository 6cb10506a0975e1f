import { pathToFileURL } from 'node:url';
import type { JobHandler } from '../jobHandler';

// A handler named so another process can load it: a module and its export, which is the handler itself or,
// with `args`, a factory that makes it. Job attempts run in child processes (./processAttempt.ts), and a
// function cannot cross into one; a reference can.

export interface HandlerRef {
  /** An absolute path or a file: URL of the module. */
  module: string;
  export: string;
  /** Arguments for a factory export (structured-clonable). */
  args?: unknown[];
}

export function isHandlerRef(value: unknown): value is HandlerRef {
  return typeof value === 'object' && value !== null && typeof (value as HandlerRef).module === 'string' && typeof (value as HandlerRef).export === 'string';
}

export async function loadHandler(ref: HandlerRef): Promise<JobHandler> {
  const url = ref.module.startsWith('file:') ? ref.module : pathToFileURL(ref.module).href;
  const exported = ((await import(url)) as Record<string, unknown>)[ref.export];
  if (typeof exported !== 'function') throw new Error(`${ref.module} has no function export "${ref.export}".`);
  return (ref.args ? (exported as (...args: unknown[]) => JobHandler)(...ref.args) : exported) as JobHandler;
}
