// HTTP client of the edge worker's admin and read APIs: the one place the CLI (deploy, traffic, promote,
// rollback, models, stats) and the dev seed talk to the edge. Errors come back as PareError with the
// edge's code and message.
import { PareError } from '@pare/errors';

export interface EdgeClientOptions {
  endpoint: string;
  token?: string;
}

export interface VariantInfo {
  name: string;
  sha256: string;
  bytes: number;
  weight: number;
  status: 'healthy' | 'unhealthy';
  statusReason: string | null;
  createdAt: string;
}

export interface ModelInfo {
  name: string;
  task: string;
  deploymentVersion: number;
  variants: VariantInfo[];
}

export interface Deployment {
  model: string;
  version: number;
  weights: Record<string, number>;
  reason: string;
  createdAt: number;
}

export interface VariantStatsInfo {
  variant: string;
  weight: number;
  status: string;
  count: number;
  errors: number;
  errorRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  cpu: { count: number; p50Ms: number | null; p95Ms: number | null; p99Ms: number | null } | null;
}

export interface ModelStats {
  model: string;
  window: string;
  latencySource: string;
  variants: VariantStatsInfo[];
}

export class EdgeAdminClient {
  readonly endpoint: string;
  private readonly token?: string;

  constructor(options: EdgeClientOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.token = options.token;
  }

  private async request<T>(method: string, path: string, options: { body?: FormData | string; json?: unknown; admin?: boolean } = {}): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.admin) {
      if (!this.token) throw new PareError('token_missing', 'This command needs the admin token: pass --token or set PARE_TOKEN (npm run dev prints it).');
      headers.authorization = `Bearer ${this.token}`;
    }
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    let response: Response;
    try {
      response = await fetch(`${this.endpoint}${path}`, { method, headers, body });
    } catch (cause) {
      throw new PareError('edge_unreachable', `Cannot reach the edge at ${this.endpoint} (${cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause)}). Is \`npm run dev\` running, or is --endpoint right?`, { cause });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } | string } | undefined)?.error;
      const code = typeof error === 'object' && error?.code ? error.code : `http_${response.status}`;
      const message = typeof error === 'object' && error?.message ? error.message : typeof error === 'string' ? error : `${method} ${path} answered ${response.status}: ${text.slice(0, 200)}`;
      throw new PareError(code, message, { status: response.status });
    }
    if (parsed === undefined) throw new PareError('edge_bad_response', `${method} ${path} answered with something that is not JSON: ${text.slice(0, 200)}`);
    return parsed as T;
  }

  deployVariant(model: string, variant: string, bytes: Uint8Array, manifest: unknown, weight?: number): Promise<{ model: string; variant: string; sha256: string; bytes: number; created: boolean; deployment?: Deployment }> {
    const form = new FormData();
    form.append('model', new Blob([bytes as Uint8Array<ArrayBuffer>]), 'model.onnx');
    form.append('manifest', JSON.stringify(manifest));
    if (weight !== undefined) form.append('weight', String(weight));
    return this.request('PUT', `/admin/models/${encodeURIComponent(model)}/variants/${encodeURIComponent(variant)}`, { body: form, admin: true });
  }

  setTraffic(model: string, weights: Record<string, number>): Promise<{ deployment: Deployment }> {
    return this.request('PUT', `/admin/models/${encodeURIComponent(model)}/traffic`, { json: { weights }, admin: true });
  }

  promote(model: string, variant: string): Promise<{ deployment: Deployment }> {
    return this.request('POST', `/admin/models/${encodeURIComponent(model)}/promote`, { json: { variant }, admin: true });
  }

  rollback(model: string): Promise<{ rolledBack: Deployment; deployment: Deployment }> {
    return this.request('POST', `/admin/models/${encodeURIComponent(model)}/rollback`, { admin: true });
  }

  deleteVariant(model: string, variant: string): Promise<{ deleted: { model: string; variant: string } }> {
    return this.request('DELETE', `/admin/models/${encodeURIComponent(model)}/variants/${encodeURIComponent(variant)}`, { admin: true });
  }

  listModels(): Promise<{ models: ModelInfo[] }> {
    return this.request('GET', '/v1/models');
  }

  stats(model: string, window: string): Promise<ModelStats> {
    return this.request('GET', `/v1/models/${encodeURIComponent(model)}/stats?window=${encodeURIComponent(window)}`);
  }
}
