// The bindings of the edge worker (root wrangler.toml); ADMIN_TOKEN is a secret (.dev.vars locally).
import type { MetricMessage } from './metrics/metricMessage';

export interface Env {
  MODELS: R2Bucket;
  DB: D1Database;
  METRICS: Queue<MetricMessage>;
  ADMIN_TOKEN?: string;
  MAX_BODY_BYTES?: string;
  /** Largest Open Inference Protocol body in binary form (JSON header + tensor data); default 4 MiB, at most 16 MiB. */
  MAX_TENSOR_BODY_BYTES?: string;
  DEPLOYMENT_CACHE_MS?: string;
  /** Longest trial run (ms) an upload may take before it is refused; default 2000. */
  MAX_TRIAL_RUN_MS?: string;
  SESSION_CACHE_BYTES?: string;
  /** Fraction of inference requests that log the Tail Worker's marker line (src/metrics/tailMarker.ts); default 0.05. */
  TAIL_LOG_SAMPLE_RATE?: string;
  /** Most new tokens one generation request may make (text-generation routes); default 256. */
  MAX_NEW_TOKENS?: string;
  /** Longest wall time (ms) one generation request may run; default 10000. */
  MAX_GENERATION_MS?: string;
}

export interface AppContext {
  Bindings: Env;
  Variables: { servedVariant?: string };
}
