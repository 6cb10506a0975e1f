import type { GenerationStats } from '@pare/db';

// One variant's row of the dashboard: its size and quality from the manifest, its traffic and latency from D1.
export interface VariantFigures {
  name: string;
  bytes: number;
  gzipBytes: number | null;
  parameters: number | null;
  /** Held-out accuracy from the manifest (what `pare eval` measured). */
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
  /** Accuracy on the requests labelled through POST /v1/feedback in the window. */
  labelled: { correct: number; total: number };
  /** Tail Worker CPU time p50, ms; null when the Tail Worker attributed nothing to this variant (unavailable). */
  cpuP50Ms: number | null;
  /** A text-generation model's variants: how they generated in the window (null for other tasks). */
  generation: GenerationStats | null;
  /** Set when another variant is at least as good on every Pareto axis and better on one. */
  dominatedBy: string | null;
  /** Why the variant is kept out of the Pareto comparison (unhealthy, mostly failing), or null. */
  failing: string | null;
}
