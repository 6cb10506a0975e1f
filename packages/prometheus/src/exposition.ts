// The Prometheus text exposition format (version 0.0.4), written once for the edge and the origin: metric
// families with HELP and TYPE lines, escaped label values, and histograms as cumulative _bucket/_sum/_count.

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  labels: Labels;
  value: number;
}

export interface HistogramSample {
  labels: Labels;
  /** Upper bounds (inclusive, ascending) in the metric's unit; +Inf is added. */
  bounds: readonly number[];
  /** Observations per bucket, not cumulative: bounds.length counts, then the overflow bucket's. */
  counts: readonly number[];
  sum: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) => {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new Error(`Invalid Prometheus label name "${name}".`);
    return `${name}="${escapeLabel(value)}"`;
  });
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

/** Collects metric families and renders them as one scrape's body. */
export class Exposition {
  private readonly lines: string[] = [];
  private readonly names = new Set<string>();

  private family(name: string, help: string, type: 'counter' | 'gauge' | 'histogram'): void {
    if (!METRIC_NAME.test(name)) throw new Error(`Invalid Prometheus metric name "${name}".`);
    if (this.names.has(name)) throw new Error(`Metric family "${name}" is written twice.`);
    this.names.add(name);
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
  }

  /** A cumulative count; its name ends in _total. */
  counter(name: string, help: string, samples: readonly Sample[]): this {
    if (!name.endsWith('_total')) throw new Error(`Counter "${name}" must end in _total.`);
    this.family(name, help, 'counter');
    for (const s of samples) this.lines.push(`${name}${labelText(s.labels)} ${formatValue(s.value)}`);
    return this;
  }

  gauge(name: string, help: string, samples: readonly Sample[]): this {
    this.family(name, help, 'gauge');
    for (const s of samples) this.lines.push(`${name}${labelText(s.labels)} ${formatValue(s.value)}`);
    return this;
  }

  histogram(name: string, help: string, samples: readonly HistogramSample[]): this {
    this.family(name, help, 'histogram');
    for (const s of samples) {
      if (s.counts.length !== s.bounds.length + 1) throw new Error(`Histogram "${name}" needs ${s.bounds.length + 1} counts, got ${s.counts.length}.`);
      let cumulative = 0;
      s.bounds.forEach((bound, i) => {
        cumulative += s.counts[i]!;
        this.lines.push(`${name}_bucket${labelText({ ...s.labels, le: formatValue(bound) })} ${cumulative}`);
      });
      cumulative += s.counts[s.bounds.length]!;
      this.lines.push(`${name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${cumulative}`);
      this.lines.push(`${name}_sum${labelText(s.labels)} ${formatValue(s.sum)}`);
      this.lines.push(`${name}_count${labelText(s.labels)} ${cumulative}`);
    }
    return this;
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}
