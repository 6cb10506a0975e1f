// Formatting for the server-rendered tables (the page's script has its own small copies for chart labels).

export function formatBytes(n: number | null): string {
  if (n === null) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

export function formatCount(n: number | null): string {
  if (n === null) return '—';
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatMs(n: number | null): string {
  if (n === null) return '—';
  return n < 1 ? `${n.toFixed(3)} ms` : n < 100 ? `${n.toFixed(2)} ms` : `${n.toFixed(0)} ms`;
}

export function formatPct(n: number | null, decimals = 1): string {
  return n === null ? '—' : `${(n * 100).toFixed(decimals)}%`;
}
