// The labelled datasets `pare eval --data` knows, as plain labelled texts. "spam-assassin" is the split of
// @pare/distill's loader, so a seed gives the very test (or validation) emails the model was measured on.
import { PareError } from '@pare/errors';

export type SplitName = 'test' | 'validation';
export const SPLITS: readonly SplitName[] = ['test', 'validation'];

export interface LabelledText {
  text: string;
  /** The class name, as the dataset names it. */
  label: string;
  /** A hard negative: legitimate mail that looks like spam (hard ham). */
  hard: boolean;
  /** The whole mail, sent instead of `text` to a variant that cleans mail itself (preprocess.clean). */
  raw?: string;
}

export interface EvalDataset {
  name: string;
  split: SplitName;
  seed: number;
  /** sha256 over the raw corpus, as manifests record it in provenance.datasetChecksum. */
  checksum: string;
  labels: readonly string[];
  /** The class precision, recall and F1 are reported for; false positives on hard examples are predictions of it. */
  positive: string;
  examples: LabelledText[];
}

type Loader = (split: SplitName, seed: number) => Promise<EvalDataset>;

const DATASETS: Record<string, Loader> = {
  'spam-assassin': async (split, seed) => {
    // Imported on use: parsing the corpus takes a second that `pare eval --reference` should not pay.
    const { loadSpamAssassin, LABELS, DATASET_NAME } = await import('@pare/distill');
    const data = loadSpamAssassin({ seed });
    const rows = split === 'test' ? data.test : data.val;
    return {
      name: DATASET_NAME, split, seed, checksum: data.checksum, labels: LABELS, positive: 'spam',
      examples: rows.map((e) => ({ text: e.text, raw: e.raw, label: LABELS[e.label], hard: e.hard })),
    };
  },
};

export const DATASET_NAMES = Object.keys(DATASETS);

/** Fails on an unknown name before any model is read. */
export function checkDatasetName(name: string): void {
  if (!Object.hasOwn(DATASETS, name)) {
    throw new PareError('option_invalid', `--data: unknown dataset "${name}"; known: ${DATASET_NAMES.join(', ')}.`);
  }
}

export async function loadEvalDataset(name: string, split: SplitName, seed: number): Promise<EvalDataset> {
  checkDatasetName(name);
  return DATASETS[name]!(split, seed);
}
