// The options every edge command shares: --endpoint, --token (or PARE_TOKEN), --json.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { EdgeClient } from '@pare/clients';
import { isLocalUrl } from '../shared/localUrl';

const DEFAULT_ENDPOINT = 'http://127.0.0.1:8787';

export interface EdgeFlags {
  endpoint?: string;
  token?: string;
  json?: boolean;
}

export function withEdgeOptions(command: Command): Command {
  return command
    .option('--endpoint <url>', `the edge worker (default $PARE_ENDPOINT or ${DEFAULT_ENDPOINT}, the local dev worker)`)
    .option('--token <token>', 'admin token (default $PARE_TOKEN; for a local endpoint, ADMIN_TOKEN from .dev.vars)')
    .option('--json', 'print JSON instead of a table');
}

/** ADMIN_TOKEN from the repository's .dev.vars (what `npm run dev` wrote), for local endpoints only. */
function localDevToken(): string | undefined {
  try {
    const text = readFileSync(path.resolve(process.cwd(), '.dev.vars'), 'utf8');
    return /^ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?/m.exec(text)?.[1]?.trim();
  } catch {
    return undefined;
  }
}

export function edgeClient(flags: EdgeFlags): EdgeClient {
  const endpoint = flags.endpoint ?? process.env.PARE_ENDPOINT ?? DEFAULT_ENDPOINT;
  const token = flags.token ?? process.env.PARE_TOKEN ?? (isLocalUrl(endpoint) ? localDevToken() : undefined);
  return new EdgeClient({ endpoint, token });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
