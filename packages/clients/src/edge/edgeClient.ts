import type { z } from 'zod';
import { PareError } from '@pare/errors';
import { checkWire } from '../http/checkWire';
import { fetchFailure, serviceError } from '../http/serviceError';
import {
  deleteVariantResponseWire,
  deploymentResponseWire,
  deployVariantResponseWire,
  rollbackResponseWire,
  type DeleteVariantResponse,
  type DeploymentResponse,
  type DeployVariantResponse,
  type RollbackResponse,
  type TrafficBody,
  type PromoteBody,
} from '../wire/edgeAdminWire';
import { abAnswerWire, modelsResponseWire, modelStatsWire, type AbAnswer, type AbQuery, type ModelsResponse, type ModelStats } from '../wire/edgeReadWire';

// Client of the edge worker's admin API (Bearer token) and public read API. Errors come back as PareError
// with the edge's code and message; an answer that is not the wire's shape is `edge_bad_response`.

export interface EdgeClientOptions {
  endpoint: string;
  /** The admin token; only the admin calls need it. */
  token?: string;
}

export interface VariantUpload {
  model: string;
  variant: string;
  bytes: Uint8Array;
  /** The variant manifest; the edge checks its sha256 and byte size against the bytes. */
  manifest: unknown;
  /** tokenizer.json, for a manifest whose tokenizer kind is huggingface (stored beside the model). */
  tokenizer?: Uint8Array;
  /** Traffic weight 0..100 for the variant; the edge leaves weights alone when absent (except for a new model). */
  weight?: number;
  /** Accept inputs, outputs or labels that differ from the model's serving variants (a new interface for the model). */
  newModel?: boolean;
  signal?: AbortSignal;
}

interface EdgeRequest {
  body?: FormData;
  json?: unknown;
  admin?: boolean;
  signal?: AbortSignal;
}

const segment = encodeURIComponent;

export class EdgeClient {
  readonly endpoint: string;
  private readonly token?: string;

  constructor(options: EdgeClientOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.token = options.token;
  }

  /** PUT /admin/models/:model/variants/:variant: multipart `model` file, `manifest` JSON and optional `weight`. */
  deployVariant(upload: VariantUpload): Promise<DeployVariantResponse> {
    const form = new FormData();
    form.append('model', new Blob([upload.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), 'model.onnx');
    form.append('manifest', JSON.stringify(upload.manifest));
    if (upload.tokenizer) form.append('tokenizer', new Blob([upload.tokenizer as Uint8Array<ArrayBuffer>], { type: 'application/json' }), 'tokenizer.json');
    if (upload.weight !== undefined) form.append('weight', String(upload.weight));
    if (upload.newModel) form.append('newModel', 'true');
    const path = `/admin/models/${segment(upload.model)}/variants/${segment(upload.variant)}`;
    return this.request('PUT', path, deployVariantResponseWire, { body: form, admin: true, signal: upload.signal });
  }

  setTraffic(model: string, weights: TrafficBody['weights'], options: { salt?: string } = {}): Promise<DeploymentResponse> {
    const body: TrafficBody = options.salt === undefined ? { weights } : { weights, salt: options.salt };
    return this.request('PUT', `/admin/models/${segment(model)}/traffic`, deploymentResponseWire, { json: body, admin: true });
  }

  promote(model: string, variant: string): Promise<DeploymentResponse> {
    const body: PromoteBody = { variant };
    return this.request('POST', `/admin/models/${segment(model)}/promote`, deploymentResponseWire, { json: body, admin: true });
  }

  rollback(model: string): Promise<RollbackResponse> {
    return this.request('POST', `/admin/models/${segment(model)}/rollback`, rollbackResponseWire, { admin: true });
  }

  deleteVariant(model: string, variant: string): Promise<DeleteVariantResponse> {
    return this.request('DELETE', `/admin/models/${segment(model)}/variants/${segment(variant)}`, deleteVariantResponseWire, { admin: true });
  }

  listModels(): Promise<ModelsResponse> {
    return this.request('GET', '/v1/models', modelsResponseWire);
  }

  stats(model: string, window: string): Promise<ModelStats> {
    return this.request('GET', `/v1/models/${segment(model)}/stats?window=${segment(window)}`, modelStatsWire);
  }

  /** The A/B comparison of two variants (the dashboard's figures); the whole report, as the edge sent it. */
  ab(model: string, query: AbQuery = {}): Promise<AbAnswer> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    return this.request('GET', `/v1/models/${segment(model)}/ab${params.size ? `?${params}` : ''}`, abAnswerWire);
  }

  private async request<S extends z.ZodType>(method: string, path: string, wire: S, options: EdgeRequest = {}): Promise<z.output<S>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.admin) {
      if (!this.token) throw new PareError('token_missing', 'This command needs the admin token: pass --token or set PARE_TOKEN (npm run dev prints it).');
      headers.authorization = `Bearer ${this.token}`;
    }
    let body: FormData | string | undefined = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    let response: Response;
    try {
      response = await fetch(`${this.endpoint}${path}`, { method, headers, body, signal: options.signal });
    } catch (cause) {
      throw new PareError('edge_unreachable', `Cannot reach the edge at ${this.endpoint} (${fetchFailure(cause)}). Is \`npm run dev\` running, or is --endpoint right?`, { cause });
    }
    const text = await response.text();
    if (!response.ok) throw serviceError(response.status, text, { code: 'edge_error', message: `${method} ${path} answered ${response.status}: ${text.slice(0, 200)}` });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new PareError('edge_bad_response', `${method} ${path} answered with something that is not JSON: ${text.slice(0, 200)}`);
    }
    return checkWire(wire, parsed, { code: 'edge_bad_response', what: `${method} ${path}` });
  }
}
