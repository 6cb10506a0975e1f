// Recognise files that are certainly not ONNX, so a user who passes the wrong file hears what it is
// ("a PNG image", "a Git LFS pointer") instead of a protobuf decoder's complaint about wire types.

interface Signature {
  what: string;
  /** Extra advice for formats users commonly mistake for a model. */
  hint?: string;
  test: (bytes: Uint8Array, text: string) => boolean;
}

const startsWith = (bytes: Uint8Array, magic: readonly number[], at = 0): boolean =>
  bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

const SIGNATURES: Signature[] = [
  {
    what: 'a Git LFS pointer, not the model itself',
    hint: 'the real file was never downloaded: run `git lfs pull` (or download the file directly).',
    test: (_b, text) => text.startsWith('version https://git-lfs.github.com/spec/'),
  },
  { what: 'a PNG image', test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { what: 'a JPEG image', test: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { what: 'a GIF image', test: (b) => startsWith(b, ascii('GIF8')) },
  { what: 'a PDF document', test: (b) => startsWith(b, ascii('%PDF')) },
  {
    what: 'a ZIP archive',
    hint: 'PyTorch checkpoints (.pt/.pth) and NumPy .npz files are ZIP archives; export the model to ONNX first (torch.onnx.export).',
    test: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06]),
  },
  { what: 'a gzip archive', hint: 'decompress it first (gunzip).', test: (b) => startsWith(b, [0x1f, 0x8b]) },
  { what: 'a TensorFlow Lite model', hint: 'convert it to ONNX first (tf2onnx).', test: (b) => startsWith(b, ascii('TFL3'), 4) },
  { what: 'a Python pickle', hint: 'export the model to ONNX first.', test: (b) => b[0] === 0x80 && b[1] !== undefined && b[1] >= 2 && b[1] <= 5 },
  { what: 'an ELF executable or library', test: (b) => startsWith(b, [0x7f, 0x45, 0x4c, 0x46]) },
  {
    what: 'a safetensors file',
    hint: 'safetensors holds weights only, without the graph; export the model to ONNX first.',
    test: (b, text) => b.length > 8 && text.slice(8, 10) === '{"',
  },
  { what: 'an HTML page', hint: 'the download probably saved an error or login page.', test: (_b, text) => /^\s*(<!doctype html|<html)/i.test(text) },
  { what: 'a JSON file', test: (_b, text) => /^\s*[{[]\s*["{[\]}\d-]/.test(text) },
  { what: 'an XML file', test: (_b, text) => /^\s*<\?xml/.test(text) },
];

/**
 * What a file looks like when its first bytes say it is certainly not an ONNX model, or undefined.
 * A real ModelProto starts with a protobuf field tag (ir_version is field 1: byte 0x08), which none of
 * these signatures can be confused with.
 */
export function describeNonOnnx(bytes: Uint8Array): string | undefined {
  const head = bytes.subarray(0, 512);
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(head);
  for (const sig of SIGNATURES) {
    if (sig.test(head, text)) return sig.hint ? `${sig.what}; ${sig.hint}` : sig.what;
  }
  if (looksLikeText(head)) return 'a text file';
  return undefined;
}

/** Printable ASCII/UTF-8 with ordinary whitespace throughout: protobuf models always contain control bytes early. */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  for (const b of head) {
    const printable = b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b !== 0x7f);
    if (!printable) return false;
  }
  return true;
}
