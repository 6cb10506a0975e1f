// The request id every inference response carries (`x-pare-request-id`): a signed receipt of what was
// served — model, variant, time and the predicted label(s). `POST /v1/feedback` reads the variant and the
// prediction back out of it, so the hot path stores nothing extra in D1 and feedback cannot claim a
// prediction the worker never made. HMAC-SHA256 keyed from the admin token (a per-purpose derivation, so a
// receipt never reveals or stands in for the token).
import type { Env } from '../env';
import { BoundedLru } from '../cache/boundedLru';

export interface Receipt {
  /** Random nonce: the unique part of the id. */
  id: string;
  model: string;
  variant: string;
  /** When the prediction was served, ms. */
  ts: number;
  /** Predicted label per text (text classification); null for tensor outputs, which have no label. */
  predicted: string[] | null;
}

const encoder = new TextEncoder();
/** Imported HMAC keys per secret: one in practice (the admin token), a few across a token rotation. */
const keys = new BoundedLru<string, Promise<CryptoKey>>({ maxEntries: 4 });

export function receiptKeyCacheSize(): number {
  return keys.size;
}

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(`pare-request-id-v1:${secret}`), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keys.set(secret, key);
  }
  return key;
}

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}

/** The labels a predict response body carries (`{label}` or `{results: [{label}]}`), else null. */
export function predictedLabels(body: unknown): string[] | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as { label?: unknown; results?: unknown };
  if (typeof b.label === 'string') return [b.label];
  if (Array.isArray(b.results) && b.results.every((r) => typeof (r as { label?: unknown })?.label === 'string')) {
    return b.results.map((r) => (r as { label: string }).label);
  }
  return null;
}

/** A signed id for a served request; null when no ADMIN_TOKEN is configured (nothing to sign with). */
export async function issueRequestId(env: Pick<Env, 'ADMIN_TOKEN'>, r: Omit<Receipt, 'id' | 'ts'> & { ts?: number }): Promise<string | null> {
  if (!env.ADMIN_TOKEN) return null;
  const receipt: Receipt = { id: toBase64Url(crypto.getRandomValues(new Uint8Array(9))), ts: r.ts ?? Date.now(), model: r.model, variant: r.variant, predicted: r.predicted };
  const payload = toBase64Url(encoder.encode(JSON.stringify([receipt.id, receipt.model, receipt.variant, receipt.ts, receipt.predicted])));
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await keyFor(env.ADMIN_TOKEN), encoder.encode(payload)));
  return `${payload}.${toBase64Url(mac.subarray(0, 16))}`;
}

/** The receipt in a request id, or null when the id is malformed or was not signed by this deployment. */
export async function readRequestId(env: Pick<Env, 'ADMIN_TOKEN'>, requestId: string): Promise<Receipt | null> {
  if (!env.ADMIN_TOKEN) return null;
  const [payload, mac, extra] = requestId.split('.');
  if (!payload || !mac || extra !== undefined || requestId.length > 8192) return null;
  try {
    const full = new Uint8Array(await crypto.subtle.sign('HMAC', await keyFor(env.ADMIN_TOKEN), encoder.encode(payload))).subarray(0, 16);
    const given = fromBase64Url(mac);
    if (given.length !== full.length) return null;
    let diff = 0;
    for (let i = 0; i < full.length; i++) diff |= full[i]! ^ given[i]!;
    if (diff !== 0) return null;
    const [id, model, variant, ts, predicted] = JSON.parse(new TextDecoder().decode(fromBase64Url(payload))) as [string, string, string, number, string[] | null];
    return { id, model, variant, ts, predicted };
  } catch {
    return null;
  }
}
