// Metric family names on both sides of a scrape: the families a body declares (its TYPE lines), and the ones a
// PromQL text (a Grafana dashboard's queries) reads, with a histogram's _bucket/_sum/_count folded into its family.

export function familiesOf(scrape: string): Set<string> {
  return new Set([...scrape.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]!));
}

export function queriedFamilies(promql: string, prefix: string): Set<string> {
  const names = promql.match(new RegExp(`\\b${prefix}[a-zA-Z0-9_:]*`, 'g')) ?? [];
  return new Set(names.map((n) => n.replace(/_(bucket|sum|count)$/, '')));
}
