import { DEFAULT_ORIGIN } from '@pare/clients';

/** The origin the job commands talk to: --origin, then PARE_ORIGIN, then the local default. */
export function originUrl(flag?: string): string {
  return (flag ?? process.env.PARE_ORIGIN ?? DEFAULT_ORIGIN).replace(/\/+$/, '');
}
