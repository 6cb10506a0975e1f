// Sample inputs for a text model's fidelity checks and calibration: real sentences through its own tokenizer.
// Generated random ids would do for a tensor model, but token_type_ids or positions past the model's tables
// would fail, and masks of random integers mean nothing.
import { emptyCache, feedsFromBatch, HuggingFaceTokenizer, type Feeds, type Manifest } from '@pare/runtime';
import type { ModelFolder } from '@pare/runtime/folder';
import type { Samples } from '../shared/samples';

/** Built-in texts: what a folder's model is judged on when the user gives none. */
export const BUILT_IN_TEXTS: readonly string[] = [
  'Congratulations! You have won a free cruise. Click here to claim your prize now.',
  'Hi Tom, the meeting moved to 3pm on Thursday; the slides are in the shared folder.',
  'Le modèle répond en français aussi, avec des accents: été, garçon, naïve.',
  'Unsubscribe from this list at any time by replying with REMOVE in the subject line.',
  'The committee said Friday that the investigation found no evidence of irregularities.',
  '東京で会いましょう 🙂 and bring the 2 reports from March.',
  'short',
  'Limited time offer!!! Buy cheap meds online, no prescription needed, fast shipping worldwide.',
];

export function textSamples(folder: ModelFolder, manifest: Manifest): Samples {
  const tokenizer = new HuggingFaceTokenizer(folder.tokenizer.json, folder.tokenizer.spec);
  const samples: Feeds[] = [];
  // A cached decoder (text-generation) runs each batch from an empty cache.
  for (let i = 0; i < BUILT_IN_TEXTS.length; i += 2) samples.push({ ...feedsFromBatch(manifest, tokenizer.encode(BUILT_IN_TEXTS.slice(i, i + 2))), ...emptyCache(manifest.generation, 2) });
  // Real sentences made into rows by the model's own tokenizer: real inputs, not generated ids.
  return { samples, kind: 'real', source: `${BUILT_IN_TEXTS.length} built-in texts through the model's tokenizer.json (${samples.length} batches of 2)` };
}
