import type { z } from 'zod';
import { PareError } from '@pare/errors';
import { sha256Hex } from '@pare/runtime';
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
  type VariantDownloadFile,
  type VariantRecordResponse,
  VARIANT_SHA256_HEADER,
  variantRecordResponseWire,
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
    return this.request('PUT', variantPath(upload.model, upload.variant), deployVariantResponseWire, { body: form, admin: true, signal: upload.signal });
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
    return this.request('DELETE', variantPath(model, variant), deleteVariantResponseWire, { admin: true });
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

  /** GET /admin/models/:model/variants/:variant: the stored variant, its manifest and its tokenizer.json's hash. */
  variant(model: string, variant: string, signal?: AbortSignal): Promise<VariantRecordResponse> {
    return this.request('GET', variantPath(model, variant), variantRecordResponseWire, { admin: true, signal });
  }

  /**
   * One file of a stored variant, read to its end only while it stays within `expected.bytes`, then checked
   * against the hash and size its manifest records (`expected`, from `variant()`): a file that differs is refused.
   */
  async variantFile(model: string, variant: string, file: VariantDownloadFile, expected: { sha256: string; bytes: number }, signal?: AbortSignal): Promise<Uint8Array> {
    const path = `${variantPath(model, variant)}/${file}`;
    const response = await this.send('GET', path, { admin: true, signal }, 'application/octet-stream');
    const announced = response.headers.get(VARIANT_SHA256_HEADER);
    if (announced !== null && announced !== expected.sha256) {
      await response.body?.cancel();
      throw new PareError('sha256_mismatch', `GET ${path}: the edge sends bytes hashed ${announced}, not the manifest's ${expected.sha256}.`, { status: 502 });
    }
    const bytes = await readAtMost(response, expected.bytes, `GET ${path}`);
    if (bytes.byteLength !== expected.bytes) throw new PareError('size_mismatch', `GET ${path}: got ${bytes.byteLength} bytes, the manifest says ${expected.bytes}.`, { status: 502 });
    const sha256 = await sha256Hex(bytes);
    if (sha256 !== expected.sha256) throw new PareError('sha256_mismatch', `GET ${path}: the bytes hash to ${sha256}, the manifest says ${expected.sha256}.`, { status: 502 });
    return bytes;
  }

  private async request<S extends z.ZodType>(method: string, path: string, wire: S, options: EdgeRequest = {}): Promise<z.output<S>> {
    const text = await (await this.send(method, path, options, 'application/json')).text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new PareError('edge_bad_response', `${method} ${path} answered with something that is not JSON: ${text.slice(0, 200)}`);
    }
    return checkWire(wire, parsed, { code: 'edge_bad_response', what: `${method} ${path}` });
  }

  /** The edge's answer when it is a 2xx; otherwise its error as a PareError. */
  private async send(method: string, path: string, options: EdgeRequest, accept: string): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (options.admin) {
      if (!this.token) throw new PareError('token_missing', 'This command needs the admin token: pass --token or set PARE_TOKEN (npm run dev prints it).');
      headers.authorization = `Bearer ${this.token}`;
    }
    let body: FormData | string | undefined = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const attempt = () => fetch(`${this.endpoint}${path}`, { method, headers, body, signal: options.signal });
    let response: Response;
    try {
      // A GET can meet a kept-alive connection the server has just closed: it is safe to send once more.
      response = await attempt().catch((cause: unknown) => (method === 'GET' && !options.signal?.aborted ? attempt() : Promise.reject(cause)));
    } catch (cause) {
      throw new PareError('edge_unreachable', `Cannot reach the edge at ${this.endpoint} (${fetchFailure(cause)}). Is \`npm run dev\` running, or is --endpoint right?`, { cause });
    }
    if (!response.ok) {
      const text = await response.text();
      throw serviceError(response.status, text, { code: 'edge_error', message: `${method} ${path} answered ${response.status}: ${text.slice(0, 200)}` });
    }
    return response;
  }
}

function variantPath(model: string, variant: string): string {
  return `/admin/models/${segment(model)}/variants/${segment(variant)}`;
}

/** The body, refused as soon as it grows past `limit` bytes (a wrong or hostile answer is never buffered whole). */
async function readAtMost(response: Response, limit: number, what: string): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new PareError('size_mismatch', `${what}: the edge sends more than the manifest's ${limit} bytes.`, { status: 502 });
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}
