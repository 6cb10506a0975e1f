import { createHash } from 'node:crypto';
import { PareError } from '@pare/errors';

// Publishes a variant to the edge through its admin API, the same path as `pare deploy`:
// PUT {edge}/admin/models/:model/variants/:variant, multipart with a `model` file part, a `manifest` JSON
// part and an optional `weight`, authorised by `Authorization: Bearer $PARE_TOKEN`.

export interface PublishRequest {
  edge: string;
  model: string;
  variant: string;
  bytes: Uint8Array;
  /** The variant manifest; its sha256 and bytes are set here from the bytes so they always match. */
  manifest: Record<string, unknown>;
  /** Traffic weight 0..100 for the new variant; the edge leaves weights alone when absent (except for a new model). */
  weight?: number;
  token?: string;
  signal?: AbortSignal;
}

export interface PublishResult {
  status: number;
  body: unknown;
}

export async function publishVariant(request: PublishRequest): Promise<PublishResult> {
  const token = request.token ?? process.env.PARE_TOKEN;
  if (!token) throw new PareError('publish_unauthorised', 'Publishing to the edge needs its admin token: set PARE_TOKEN on the origin.');
  const sha256 = createHash('sha256').update(request.bytes).digest('hex');
  const manifest = { ...request.manifest, model: request.model, variant: request.variant, sha256, bytes: request.bytes.byteLength };
  const form = new FormData();
  form.set('model', new Blob([request.bytes], { type: 'application/octet-stream' }), 'model.onnx');
  form.set('manifest', JSON.stringify(manifest));
  if (request.weight !== undefined) form.set('weight', String(request.weight));

  const url = new URL(`admin/models/${encodeURIComponent(request.model)}/variants/${encodeURIComponent(request.variant)}`, request.edge.endsWith('/') ? request.edge : `${request.edge}/`);
  const response = await fetch(url, { method: 'PUT', body: form, headers: { authorization: `Bearer ${token}` }, signal: request.signal }).catch((cause: unknown) => {
    throw new PareError('publish_failed', `Could not reach the edge at ${url.origin} (${cause instanceof Error ? cause.message : String(cause)}).`, { cause });
  });
  const text = await response.text();
  const body: unknown = text ? safeJson(text) : null;
  if (!response.ok) {
    const edgeMessage = (body as { error?: { message?: string } } | null)?.error?.message ?? text.slice(0, 300);
    throw new PareError('publish_failed', `The edge refused ${request.model}/${request.variant} (HTTP ${response.status}): ${edgeMessage}`, { details: { status: response.status } });
  }
  return { status: response.status, body };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
