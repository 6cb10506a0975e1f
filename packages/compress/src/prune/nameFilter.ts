/**
 * Matches tensor and node names against a user's `exclude` list. A pattern is an exact name, or a glob
 * where `*` stands for any run of characters (`layer1.*`, `*bias`), so a CLI flag like
 * `--exclude "encoder.*"` does what a user expects without a glob library.
 */
export type NameFilter = (...names: Array<string | undefined>) => string | undefined;

export function nameFilter(patterns: readonly string[] = []): NameFilter {
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const globs = patterns.filter((p) => p.includes('*')).map((p) => ({ pattern: p, re: globToRegExp(p) }));
  /** Returns the pattern that matched one of the names, or undefined. */
  return (...names) => {
    for (const name of names) {
      if (name === undefined || name === '') continue;
      if (exact.has(name)) return name;
      const hit = globs.find((g) => g.re.test(name));
      if (hit) return hit.pattern;
    }
    return undefined;
  };
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`);
}
