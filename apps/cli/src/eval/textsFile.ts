// The user's texts for `pare eval --data <texts.jsonl>`: one JSON value a line, either a string or an object
// with a "text" string (other fields, such as a label, are ignored); blank lines are skipped.
import { PareError } from '@pare/errors';
import { readTextFile } from '../shared/modelFile';

export async function readTextsFile(file: string): Promise<string[]> {
  const texts: string[] = [];
  (await readTextFile(file, 'texts file')).split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw new PareError('dataset_invalid', `${file}:${i + 1} is not JSON; each line is a JSON string or {"text": "..."}.`, { cause });
    }
    const text = typeof value === 'string' ? value : (value as { text?: unknown } | null)?.text;
    if (typeof text !== 'string') throw new PareError('dataset_invalid', `${file}:${i + 1} has no "text" string.`);
    texts.push(text);
  });
  if (texts.length === 0) throw new PareError('dataset_empty', `${file} has no texts.`);
  return texts;
}
