// Parsers for option values, used as commander argument parsers: a bad value stops the command with a
// message that names the option and what it accepts, before any work is done.
import { PareError } from '@pare/errors';

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** "500000", "800KB", "4.5MB", "2MiB" → bytes (KB/MB decimal, KiB/MiB binary). */
export function parseByteSize(option: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) <= 0) {
    throw new PareError('option_invalid', `${option} takes a size such as 500000, 800KB or 4.5MB; got "${text}".`);
  }
  return Math.round(Number(m[1]) * unit);
}

/** A number in [0, 1] (or [0, 1) when `open`). */
export function parseFraction(option: string, text: string, open = false): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0 || (open ? v >= 1 : v > 1)) {
    throw new PareError('option_invalid', `${option} takes a fraction between 0 and 1${open ? ' (exclusive)' : ''}; got "${text}".`);
  }
  return v;
}

export function parseNonNegative(option: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0) throw new PareError('option_invalid', `${option} takes a number ≥ 0; got "${text}".`);
  return v;
}

export function parsePositive(option: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v <= 0) throw new PareError('option_invalid', `${option} takes a number > 0; got "${text}".`);
  return v;
}

export function parsePositiveInt(option: string, text: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v <= 0) throw new PareError('option_invalid', `${option} takes a whole number > 0; got "${text}".`);
  return v;
}

/** "a,b, c" → ["a", "b", "c"]. */
export function parseList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Repeatable "name=size" pairs for dynamic dimensions: --dim height=320 --dim width=320. */
export function parseDim(text: string, previous: Record<string, number> = {}): Record<string, number> {
  const m = /^([^=]+)=(\d+)$/.exec(text.trim());
  if (!m || Number(m[2]) <= 0) throw new PareError('option_invalid', `--dim takes name=size (a dynamic dimension's name and a size > 0); got "${text}".`);
  return { ...previous, [m[1]!]: Number(m[2]) };
}
