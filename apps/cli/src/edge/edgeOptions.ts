// The options every edge command shares: --endpoint, --token, --profile, --json. The endpoint and token come
// from the flag, then PARE_ENDPOINT / PARE_TOKEN, then the profile (shared/profile.ts); for a local endpoint
// the token may also come from the .dev.vars that `npm run dev` wrote, found from any folder of the repository.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EdgeClient } from '@pare/clients';
import { findUp } from '../shared/findUp';
import { isLocalUrl } from '../shared/localUrl';
import { readProfile } from '../shared/profile';

const DEFAULT_ENDPOINT = 'http://127.0.0.1:8787';

export interface EdgeFlags {
  endpoint?: string;
  token?: string;
  profile?: string;
  json?: boolean;
}

export function withEdgeOptions(command: Command): Command {
  return command
    .option('--endpoint <url>', `the edge worker (default $PARE_ENDPOINT, the profile's, or ${DEFAULT_ENDPOINT}, the local dev worker)`)
    .option('--token <token>', 'admin token (default $PARE_TOKEN, the profile\'s, or for a local endpoint ADMIN_TOKEN from the repository\'s .dev.vars)')
    .option('--profile <name>', 'profile of ~/.config/pare/config.json to use (default $PARE_PROFILE or "default")')
    .option('--json', 'print JSON instead of a table');
}

/** ADMIN_TOKEN from the repository's .dev.vars (what `npm run dev` wrote), for local endpoints only. */
function localDevToken(): string | undefined {
  const file = findUp('.dev.vars');
  if (!file) return undefined;
  try {
    return /^ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?/m.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

export function edgeClient(flags: EdgeFlags): EdgeClient {
  const profile = readProfile(flags.profile);
  const endpoint = flags.endpoint ?? (process.env.PARE_ENDPOINT || undefined) ?? profile.endpoint ?? DEFAULT_ENDPOINT;
  // A profile's token goes only to its own endpoint: `--endpoint` elsewhere must not carry it there.
  const profileToken = profile.endpoint === undefined || profile.endpoint === endpoint ? profile.token : undefined;
  const token = flags.token ?? (process.env.PARE_TOKEN || undefined) ?? profileToken ?? (isLocalUrl(endpoint) ? localDevToken() : undefined);
  return new EdgeClient({ endpoint, token });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
