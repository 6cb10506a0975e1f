// The user's profiles in $XDG_CONFIG_HOME/pare/config.json (default ~/.config/pare/config.json): endpoints and
// tokens for machines other than this checkout's dev worker, e.g.
//   { "default": { "endpoint": "https://pare.example.workers.dev", "token": "…" }, "staging": { … } }
// chosen with --profile or PARE_PROFILE ("default" otherwise). Flags and environment variables win over it.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PareError } from '@pare/errors';

export interface Profile {
  endpoint?: string;
  token?: string;
  origin?: string;
  originToken?: string;
}

const KEYS: ReadonlyArray<keyof Profile> = ['endpoint', 'token', 'origin', 'originToken'];

export function profileFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'pare', 'config.json');
}

/** The named profile (or PARE_PROFILE, or "default"); an empty profile when the file is absent. */
export function readProfile(name?: string, env: NodeJS.ProcessEnv = process.env): Profile {
  const file = profileFile(env);
  const chosen = name ?? (env.PARE_PROFILE || 'default');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    if (name !== undefined || env.PARE_PROFILE) throw new PareError('option_invalid', `Profile "${chosen}" asked for, but there is no ${file}.`, { details: { usage: true } });
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new PareError('file_unreadable', `${file} is not valid JSON: ${(e as Error).message}.`, { cause: e });
  }
  const profiles = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  const entry = profiles[chosen];
  if (entry === undefined) {
    if (chosen === 'default' && name === undefined && !env.PARE_PROFILE) return {};
    throw new PareError('option_invalid', `${file} has no profile "${chosen}"; it has ${Object.keys(profiles).join(', ') || 'none'}.`, { details: { usage: true } });
  }
  const out: Profile = {};
  for (const key of KEYS) {
    const v = (entry as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new PareError('file_unreadable', `${file}: "${chosen}.${key}" must be a string.`);
    out[key] = v;
  }
  return out;
}
