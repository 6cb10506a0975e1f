import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_ORIGIN, OriginClient } from '@pare/clients';
import { findUp } from './findUp';
import { isLocalUrl } from './localUrl';
import { readProfile } from './profile';

// The origin the job commands talk to and the token they send.

export interface OriginFlags {
  origin?: string;
  originToken?: string;
}

/** The file `npm run origin` keeps its token in (apps/origin/src/config/originToken.ts), relative to the repository. */
export const LOCAL_ORIGIN_TOKEN_FILE = path.join('.pare', 'origin.token');

/** The origin: --origin, then PARE_ORIGIN, then the profile's (shared/profile.ts), then the local default. */
export function originUrl(flag?: string): string {
  return (flag ?? (process.env.PARE_ORIGIN || undefined) ?? readProfile().origin ?? DEFAULT_ORIGIN).replace(/\/+$/, '');
}

/** A client with the token from --origin-token, then PARE_ORIGIN_TOKEN, the profile's, then (local origin only) the repository's .pare/origin.token. */
export function originClient(flags: OriginFlags): OriginClient {
  const url = originUrl(flags.origin);
  const profile = readProfile();
  // A profile's token goes only to its own origin.
  const profileToken = profile.origin === undefined || profile.origin.replace(/\/+$/, '') === url ? profile.originToken : undefined;
  const token = flags.originToken ?? (process.env.PARE_ORIGIN_TOKEN || undefined) ?? profileToken ?? (isLocalUrl(url) ? localOriginToken() : undefined);
  return new OriginClient(url, { token });
}

function localOriginToken(): string | undefined {
  const file = findUp(LOCAL_ORIGIN_TOKEN_FILE);
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
