// The body framing of the Open Inference Protocol's binary tensor extension: a JSON object whose length is the
// `Inference-Header-Content-Length` header, then the tensors' binary data. Without that header the body is
// plain JSON (readJsonBody.ts). Binary bodies may be larger than JSON ones (MAX_TENSOR_BODY_BYTES): they parse
// without a JSON tree, and a 3×224×224 fp32 image is 588 KiB of binary but over 1.5 MB of JSON text.
import type { Context } from 'hono';
import { PareError } from '@pare/errors';
import type { AppContext } from '../env';
import { maxBodyBytes, readBody } from './bodyLimit';
import { parseJsonObject, readJsonBody } from './readJsonBody';

export const INFERENCE_HEADER = 'inference-header-content-length';

const DEFAULT_MAX_TENSOR_BODY_BYTES = 4 * 1024 * 1024;
/** The setting's ceiling: the body, its tensors and the session's buffers must fit an isolate's 128 MB. */
export const MAX_TENSOR_BODY_CEILING = 16 * 1024 * 1024;

export function maxTensorBodyBytes(setting: string | undefined): number {
  const n = Number(setting);
  return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_TENSOR_BODY_CEILING) : DEFAULT_MAX_TENSOR_BODY_BYTES;
}

export interface FramedBody {
  header: Record<string, unknown>;
  /** The bytes after the JSON header (empty for a plain JSON body). */
  binary: Uint8Array;
  bytes: number;
}

/** A JSON body (MAX_BODY_BYTES), or a JSON header and binary data (MAX_TENSOR_BODY_BYTES) when the request carries Inference-Header-Content-Length. */
export async function readFramedBody(c: Context<AppContext>): Promise<FramedBody> {
  const declared = c.req.header(INFERENCE_HEADER);
  if (declared === undefined) {
    const { value, bytes } = await readJsonBody(c);
    return { header: value, binary: new Uint8Array(0), bytes };
  }
  const body = await readBody(c, maxTensorBodyBytes(c.env.MAX_TENSOR_BODY_BYTES));
  const headerLength = Number(declared);
  if (!Number.isInteger(headerLength) || headerLength < 2 || headerLength > body.byteLength) {
    throw new PareError('input_invalid', `Inference-Header-Content-Length must be the JSON header's length in bytes (2 to ${body.byteLength}), got "${declared}".`, { status: 400 });
  }
  const jsonLimit = maxBodyBytes(c.env.MAX_BODY_BYTES);
  if (headerLength > jsonLimit) throw new PareError('body_too_large', `The JSON header is larger than ${jsonLimit} bytes.`, { status: 413 });
  const header = parseJsonObject(body.subarray(0, headerLength), `The first ${headerLength} bytes (Inference-Header-Content-Length) are`, 'The JSON header must be an object.');
  return { header, binary: body.subarray(headerLength), bytes: body.byteLength };
}

/** A JSON object followed by binary chunks, with the header that says where the JSON ends. */
export function framedResponse(header: unknown, chunks: readonly Uint8Array[], extraHeaders: Record<string, string> = {}): Response {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const body = new Uint8Array(json.byteLength + chunks.reduce((n, c) => n + c.byteLength, 0));
  body.set(json, 0);
  let offset = json.byteLength;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.byteLength;
  }
  return new Response(body, { status: 200, headers: { 'content-type': 'application/octet-stream', [INFERENCE_HEADER]: String(json.byteLength), ...extraHeaders } });
}
