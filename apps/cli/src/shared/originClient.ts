import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_ORIGIN, OriginClient } from '@pare/clients';
import { isLocalUrl } from './localUrl';

// The origin the job commands talk to and the token they send.

export interface OriginFlags {
  origin?: string;
  originToken?: string;
}

/** The file `npm run origin` keeps its token in (apps/origin/src/config/originToken.ts), relative to the repository. */
export const LOCAL_ORIGIN_TOKEN_FILE = path.join('.pare', 'origin.token');

/** The origin: --origin, then PARE_ORIGIN, then the local default. */
export function originUrl(flag?: string): string {
  return (flag ?? process.env.PARE_ORIGIN ?? DEFAULT_ORIGIN).replace(/\/+$/, '');
}

/** A client with the token from --origin-token, then PARE_ORIGIN_TOKEN, then (local origin only) .pare/origin.token. */
export function originClient(flags: OriginFlags): OriginClient {
  const url = originUrl(flags.origin);
  const token = flags.originToken ?? (process.env.PARE_ORIGIN_TOKEN || undefined) ?? (isLocalUrl(url) ? localOriginToken() : undefined);
  return new OriginClient(url, { token });
}

function localOriginToken(): string | undefined {
  try {
    return readFileSync(path.resolve(process.cwd(), LOCAL_ORIGIN_TOKEN_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
