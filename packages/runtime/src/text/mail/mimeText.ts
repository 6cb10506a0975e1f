import { htmlText, looksLikeHtml } from './htmlText';

// The readable text of a MIME message, decoded with its own headers before they are dropped: multipart
// bodies are split at their boundary, each part's Content-Transfer-Encoding (base64, quoted-printable) is
// undone and its bytes decoded in the part's charset, HTML parts become text. Attachments that are not text
// are skipped. Web-standard code (TextDecoder, atob): it needs no Node API.

export interface MimeHeaders {
  /** Lower-case header name → unfolded value (the first occurrence). */
  get(name: string): string | undefined;
}

export interface MimeMessage { headers: MimeHeaders; body: string }

/** Split a message (or a MIME part) into its headers and body at the first blank line. */
export function parseMessage(raw: string): MimeMessage {
  const text = raw.replace(/\r\n?/g, '\n');
  const cut = text.indexOf('\n\n');
  const head = cut < 0 ? text : text.slice(0, cut);
  const body = cut < 0 ? '' : text.slice(cut + 2);
  const map = new Map<string, string>();
  let last: string | undefined;
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line) && last !== undefined) {
      map.set(last, `${map.get(last)!} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) { last = undefined; continue; }
    const name = line.slice(0, colon).trim().toLowerCase();
    last = map.has(name) ? undefined : name;
    if (last) map.set(name, line.slice(colon + 1).trim());
  }
  return { headers: { get: (name) => map.get(name.toLowerCase()) }, body };
}

/** A parameter of a structured header value, e.g. `boundary` of Content-Type. */
function headerParam(value: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Bytes of a string whose characters are bytes (what base64/QP decoding and 8-bit bodies give). */
function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** Decode bytes in a charset; unknown labels fall back to UTF-8 (which replaces what it cannot read). */
export function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  const label = (charset ?? 'utf-8').trim().toLowerCase();
  try {
    return new TextDecoder(label === 'us-ascii' ? 'windows-1252' : label).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function base64Binary(s: string): string {
  const clean = s.replace(/[^A-Za-z0-9+/]/g, '');
  // Padding was dropped with the other non-alphabet characters: a last group of 2 or 3 still holds 1 or 2 bytes.
  const whole = clean.length % 4 === 1 ? clean.slice(0, -1) : clean;
  try {
    return atob(whole.padEnd(Math.ceil(whole.length / 4) * 4, '='));
  } catch {
    return '';
  }
}

function quotedPrintableBinary(s: string): string {
  return s.replace(/=\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** True when the characters of a string are all bytes (a body read as Latin-1) rather than decoded text. */
function isBinaryString(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

/** A body with its transfer encoding undone and its charset applied. */
function decodeBody(body: string, encoding: string | undefined, charset: string | undefined): string {
  const enc = (encoding ?? '').trim().toLowerCase();
  const binary = enc === 'base64' ? base64Binary(body) : enc === 'quoted-printable' ? quotedPrintableBinary(body) : undefined;
  if (binary !== undefined) return decodeCharset(latin1Bytes(binary), charset);
  // 7bit/8bit bodies arrive as text already; a charset applies only when the characters are still bytes.
  return charset && !/^(us-ascii|utf-8|iso-8859-1|latin1)$/i.test(charset) && isBinaryString(body) ? decodeCharset(latin1Bytes(body), charset) : body;
}

/** RFC 2047 encoded words in a header value (`=?utf-8?B?…?=`, `=?iso-8859-1?Q?…?=`) decoded. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[bq]\?[^?]*\?=)\s+(?==\?)/gi, '$1')
    .replace(/=\?([^?*]+)(?:\*[^?]*)?\?([bq])\?([^?]*)\?=/gi, (_, charset: string, kind: string, text: string) => {
      const binary = kind.toLowerCase() === 'b' ? base64Binary(text) : quotedPrintableBinary(text.replace(/_/g, ' '));
      return decodeCharset(latin1Bytes(binary), charset);
    });
}

const MAX_DEPTH = 8;

/** The readable text of a message or part: text/plain as is, text/html as text, multipart parts joined. */
export function mimeText(message: MimeMessage, depth = 0): string {
  const type = message.headers.get('content-type') ?? 'text/plain';
  const mediaType = type.split(';')[0]!.trim().toLowerCase();
  const charset = headerParam(type, 'charset');
  if (mediaType.startsWith('multipart/') && depth < MAX_DEPTH) {
    const boundary = headerParam(type, 'boundary');
    if (boundary) {
      const parts = splitMultipart(message.body, boundary).map((p) => parseMessage(p));
      // An alternative holds one message several ways: read the plain text when there is one, else the first.
      if (mediaType === 'multipart/alternative') {
        const plain = parts.find((p) => (p.headers.get('content-type') ?? 'text/plain').toLowerCase().startsWith('text/plain'));
        const chosen = plain ?? parts[0];
        return chosen ? mimeText(chosen, depth + 1) : '';
      }
      return parts.map((p) => mimeText(p, depth + 1)).filter((t) => t.trim()).join('\n\n');
    }
  }
  if (mediaType === 'message/rfc822' && depth < MAX_DEPTH) return mimeText(parseMessage(message.body), depth + 1);
  const disposition = message.headers.get('content-disposition') ?? '';
  const readable = mediaType === 'text/plain' || mediaType === 'text/html' || (mediaType.startsWith('text/') && !/^\s*attachment/i.test(disposition));
  if (!readable) return '';
  const decoded = decodeBody(message.body, message.headers.get('content-transfer-encoding'), charset);
  // Bodies declared plain text are often HTML in spam: read markup as markup whatever the header says.
  return mediaType === 'text/html' || looksLikeHtml(decoded) ? htmlText(decoded) : decoded;
}

/** The parts between `--boundary` lines, without the preamble and the epilogue. */
function splitMultipart(body: string, boundary: string): string[] {
  const marker = `--${boundary}`;
  const parts: string[] = [];
  let current: string[] | undefined;
  for (const line of body.split('\n')) {
    const trimmed = line.trimEnd();
    if (trimmed === marker || trimmed === `${marker}--`) {
      if (current) parts.push(current.join('\n'));
      current = trimmed === marker ? [] : undefined;
      if (trimmed !== marker) break;
      continue;
    }
    current?.push(line);
  }
  if (current && current.length) parts.push(current.join('\n'));
  return parts;
}
