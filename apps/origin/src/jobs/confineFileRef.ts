import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PareError } from '@pare/errors';

// The files a job may read: paths inside the origin's data roots (symlinks followed, so a link inside a root
// cannot point out of it) and URLs whose host is on the fetch allow-list. Anything else is refused at
// submission; a job spec is not a way to read the origin machine's files.

export interface FileRefPolicy {
  /** Absolute, symlink-free folders that job paths must resolve into. */
  dataRoots: string[];
  /** Hosts (`name` or `name:port`) that http(s) refs may name; empty: no URLs. */
  fetchHosts: string[];
}

/** A root as the checks compare it: absolute and with its symlinks resolved. */
export function canonicalRoot(root: string): string {
  return realPathOf(resolve(root));
}

export function confineFileRef(ref: string, field: string, policy: FileRefPolicy): void {
  // A scheme of two or more letters (one letter would be a Windows drive) makes it a URL, not a path.
  if (/^[a-z][a-z0-9+.-]+:/i.test(ref)) {
    const url = URL.canParse(ref) ? new URL(ref) : undefined;
    const allowed = url && (url.protocol === 'http:' || url.protocol === 'https:') && policy.fetchHosts.some((h) => h === url.host || h === url.hostname);
    if (allowed) return;
    const hosts = policy.fetchHosts.length ? `only http(s) URLs on ${policy.fetchHosts.join(', ')}` : 'no URLs (PARE_FETCH_HOSTS is empty)';
    throw refused(field, `${ref} is a URL this origin does not fetch: it fetches ${hosts}`);
  }
  const path = realPathOf(resolve(ref));
  if (!policy.dataRoots.some((root) => isInside(path, root))) {
    throw refused(field, `${ref} is outside the origin's data roots (${policy.dataRoots.join(', ')}); PARE_DATA_ROOTS sets them`);
  }
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The real path of `path`, or of its nearest existing folder with the rest appended (a file not made yet). */
function realPathOf(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);
  return parent === path ? path : join(realPathOf(parent), basename(path));
}

function refused(field: string, why: string): PareError {
  return new PareError('input_invalid', `${field}: ${why}.`, { status: 400, details: { field } });
}
