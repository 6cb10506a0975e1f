// The ADMIN_TOKEN secret, checked at first use (a Worker has no start-up hook that could refuse to start):
// a missing, short or placeholder token disables the admin API and the dashboard instead of guarding them weakly.
import { PareError } from '@pare/errors';
import type { Env } from '../env';

export const MIN_ADMIN_TOKEN_LENGTH = 32;
/** The value .dev.vars.example ships with; it is public, so it must never open anything. */
const PLACEHOLDER_TOKEN = 'replace-with-a-long-random-token';
const HOW_TO_SET = `set the ADMIN_TOKEN secret to a random string of ${MIN_ADMIN_TOKEN_LENGTH}+ characters (.dev.vars locally, \`wrangler secret put ADMIN_TOKEN\` in production)`;

/** Why the admin API and the dashboard are disabled with this token, or undefined when it is fine. */
export function adminDisabledMessage(token: string | undefined): string | undefined {
  const problem = !token
    ? 'ADMIN_TOKEN is not set'
    : token === PLACEHOLDER_TOKEN
      ? 'ADMIN_TOKEN is still the placeholder of .dev.vars.example'
      : token.length < MIN_ADMIN_TOKEN_LENGTH
        ? `ADMIN_TOKEN is too short (${token.length} characters)`
        : undefined;
  return problem && `The admin API and the dashboard are disabled: ${problem}; ${HOW_TO_SET}.`;
}

/** The admin token, or a 503 admin_disabled saying why it cannot be used. */
export function adminSecret(env: Env): string {
  const disabled = adminDisabledMessage(env.ADMIN_TOKEN);
  if (disabled) throw new PareError('admin_disabled', disabled, { status: 503 });
  return env.ADMIN_TOKEN!;
}
