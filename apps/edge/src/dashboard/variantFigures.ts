// One variant's row of the dashboard: its size and quality from the manifest, its traffic and latency from D1.
export interface VariantFigures {
  name: string;
  bytes: number;
  gzipBytes: number | null;
  parameters: number | null;
  accuracy: number | null;
  fidelity: number | null;
  weight: number;
  status: string;
  statusReason: string | null;
  requests: number;
  /** 5xx. */
  errors: number;
  /** 4xx: callers' mistakes, not in errorRate. */
  clientErrors: number;
  /** Requests that chose this variant themselves (not in the A/B). */
  pinned: number;
  errorRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Set when another variant is smaller, at least as accurate and as fast. */
  dominatedBy: string | null;
}
