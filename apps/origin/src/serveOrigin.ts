import { serve } from '@hono/node-server';
import type { Origin } from './origin';

// Serves an origin over HTTP and stops it cleanly on SIGINT/SIGTERM: the listener closes, running jobs
// go back on the queue (the runner aborts them), the backend closes, then the process exits.

export interface ServeOptions {
  port: number;
  host: string;
  onListening?: (port: number) => void;
}

export function serveOrigin(origin: Origin, options: ServeOptions): void {
  const server = serve({ fetch: origin.app.fetch, port: options.port, hostname: options.host }, (info) => options.onListening?.(info.port));
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`pare origin: ${signal}: requeueing running jobs and stopping`);
    server.close();
    await origin.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
