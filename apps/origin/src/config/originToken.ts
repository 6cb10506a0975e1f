import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PareError } from '@pare/errors';

// The origin's API token: from PARE_ORIGIN_TOKEN or OriginConfig, never from the repository. A local origin
// (`npm run origin`) keeps a generated one in a gitignored file with mode 0600, the way infra/dev.ts keeps
// the edge's ADMIN_TOKEN in .dev.vars.

export const MIN_TOKEN_LENGTH = 32;

/** Throws `option_invalid` for a missing or short token: an origin without one would serve anybody. */
export function checkOriginToken(token: string | undefined): string {
  if (!token) {
    throw new PareError('option_invalid', 'The origin needs an API token: set PARE_ORIGIN_TOKEN (at least 32 characters, e.g. `openssl rand -base64 32`), or run `npm run origin`, which keeps one in .pare/origin.token.');
  }
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new PareError('option_invalid', `The origin token is ${token.length} characters long; it needs at least ${MIN_TOKEN_LENGTH} (e.g. \`openssl rand -base64 32\`).`);
  }
  return token;
}

/** The token kept in `file`, made (48 random characters, mode 0600) when the file is missing. */
export function ensureTokenFile(file: string): { token: string; created: boolean } {
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), created: false };
  mkdirSync(dirname(file), { recursive: true });
  const token = randomBytes(36).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { token, created: true };
}
