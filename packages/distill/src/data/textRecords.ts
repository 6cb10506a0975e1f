import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { PareError } from '@pare/errors';

// Texts (and optional labels) from a user's file, read line by line so that a file of any size streams: JSONL
// (one object a line), CSV (a header row; RFC 4180 quoting, quoted fields may span lines) or plain text (one
// example a line, no labels). The format comes from the extension unless given.

export type TextFileFormat = 'jsonl' | 'csv' | 'text';

export interface TextRecordOptions {
  format?: TextFileFormat;
  /** Field that holds the text (JSONL key or CSV column; default "text"). */
  textField?: string;
  /** Field that holds the label, when there is one (default "label"; a row without it is unlabelled). */
  labelField?: string;
}

export interface TextRecord { text: string; label?: string; line: number }

export function formatOf(path: string, given?: TextFileFormat): TextFileFormat {
  if (given) return given;
  if (/\.jsonl?$|\.ndjson$/i.test(path)) return 'jsonl';
  if (/\.csv$/i.test(path)) return 'csv';
  return 'text';
}

/** Split one CSV record's fields; `open` tells whether a quoted field runs on past the end of this text. */
function csvFields(text: string): { fields: string[]; open: boolean } {
  const fields: string[] = [];
  let field = '', quoted = false, i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') { quoted = true; i++; continue; }
    if (c === ',') { fields.push(field); field = ''; i++; continue; }
    field += c;
    i++;
  }
  fields.push(field);
  return { fields, open: quoted };
}

export async function* readTextRecords(path: string, o: TextRecordOptions = {}): AsyncGenerator<TextRecord> {
  const format = formatOf(path, o.format);
  const textField = o.textField ?? 'text', labelField = o.labelField ?? 'label';
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0, header: string[] | undefined, pending: string | undefined, pendingLine = 0;
  try {
    for await (const line of lines) {
      n++;
      if (format === 'text') {
        if (line.trim()) yield { text: line, line: n };
        continue;
      }
      if (format === 'jsonl') {
        if (!line.trim()) continue;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          throw new PareError('dataset_invalid', `data: ${path} line ${n} is not valid JSON.`);
        }
        const row = value as Record<string, unknown> | null;
        const text = row?.[textField];
        if (typeof text !== 'string') throw new PareError('dataset_invalid', `data: ${path} line ${n} has no string field "${textField}" (choose it with --text-field).`);
        const label = row![labelField];
        yield { text, ...(label === undefined || label === null ? {} : { label: String(label) }), line: n };
        continue;
      }
      const record = pending === undefined ? line : `${pending}\n${line}`;
      if (pending === undefined) pendingLine = n;
      const { fields, open } = csvFields(record);
      if (open) { pending = record; continue; }
      pending = undefined;
      if (!header) {
        header = fields.map((f) => f.trim());
        if (!header.includes(textField)) throw new PareError('dataset_invalid', `data: ${path} has no column "${textField}" (columns: ${header.join(', ')}; choose it with --text-field).`);
        continue;
      }
      if (!record.trim()) continue;
      const at = (name: string) => fields[header!.indexOf(name)];
      const label = header.includes(labelField) ? at(labelField) : undefined;
      yield { text: at(textField) ?? '', ...(label ? { label } : {}), line: pendingLine };
    }
  } catch (cause) {
    if (cause instanceof PareError) throw cause;
    throw new PareError('dataset_invalid', `data: cannot read ${path} (${(cause as NodeJS.ErrnoException).code ?? String(cause)}).`, { cause });
  } finally {
    lines.close();
  }
  if (pending !== undefined) throw new PareError('dataset_invalid', `data: ${path} line ${pendingLine} opens a quoted field that never closes.`);
}
