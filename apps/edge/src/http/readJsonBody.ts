// A JSON object body, parsed once, here; a bad body is a 4xx with a message. Its size is limited as it is read
// (bodyLimit.ts); its fields are checked by the route's zod schema (zodRefusal.ts).
import type { Context } from 'hono';
import { PareError } from '@pare/errors';
import type { AppContext } from '../env';
import { maxBodyBytes, readBody } from './bodyLimit';

/** Parse JSON bytes that must hold an object; `subject` begins the refusal ("The body is", "The first 10 bytes … are"). */
export function parseJsonObject(bytes: Uint8Array, subject: string, objectMessage: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new PareError('input_invalid', `${subject} not valid JSON (${cause instanceof Error ? cause.message : String(cause)}).`, { status: 400, cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PareError('input_invalid', objectMessage, { status: 400 });
  return value as Record<string, unknown>;
}

/** Parse a JSON object body of at most `limit` bytes (MAX_BODY_BYTES by default); returns it and its size (recorded with the metric event). */
export async function readJsonBody(c: Context<AppContext>, limit = maxBodyBytes(c.env.MAX_BODY_BYTES)): Promise<{ value: Record<string, unknown>; bytes: number }> {
  const bytes = await readBody(c, limit);
  return { value: parseJsonObject(bytes, 'The body is', 'The body must be a JSON object.'), bytes: bytes.byteLength };
}
