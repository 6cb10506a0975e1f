// A transformer encoder classifier, described by one plain config (nanoGPT style). Teacher and student are the
// same family; the student is just a smaller config.

export interface EncoderConfig {
  /** Tokenizer vocabulary size (token embedding rows). */
  vocabSize: number;
  /** Fixed sequence length: the tokenizer pads/truncates every text to it, so position embeddings are a table. */
  maxLength: number;
  dModel: number;
  heads: number;
  layers: number;
  /** Hidden width of the feed-forward block (ReLU between two linear layers). */
  ffDim: number;
  numLabels: number;
}

export type ModelSize = Pick<EncoderConfig, 'dModel' | 'heads' | 'layers' | 'ffDim'>;

/** Defaults for the spam teacher and student; the student has under a quarter of the teacher's parameters. */
export const TEACHER_SIZE: ModelSize = { dModel: 128, heads: 4, layers: 2, ffDim: 256 };
export const STUDENT_SIZE: ModelSize = { dModel: 32, heads: 2, layers: 1, ffDim: 64 };

export function validateConfig(c: EncoderConfig): void {
  const ints: (keyof EncoderConfig)[] = ['vocabSize', 'maxLength', 'dModel', 'heads', 'layers', 'ffDim', 'numLabels'];
  for (const k of ints) {
    if (!Number.isInteger(c[k]) || c[k] <= 0) throw new RangeError(`EncoderConfig.${k} must be a positive integer, got ${c[k]}`);
  }
  if (c.dModel % c.heads !== 0) throw new RangeError(`EncoderConfig.dModel (${c.dModel}) must be divisible by heads (${c.heads})`);
}

/** Every parameter tensor with its shape, in a fixed order (initialisation, export and counting walk this list). */
export function parameterShapes(c: EncoderConfig): [name: string, shape: number[]][] {
  const D = c.dModel;
  const out: [string, number[]][] = [['tok_emb', [c.vocabSize, D]], ['pos_emb', [c.maxLength, D]]];
  for (let i = 0; i < c.layers; i++) {
    const p = `h${i}.`;
    out.push(
      [`${p}ln1_g`, [D]], [`${p}ln1_b`, [D]],
      [`${p}wq`, [D, D]], [`${p}bq`, [D]], [`${p}wk`, [D, D]], [`${p}bk`, [D]], [`${p}wv`, [D, D]], [`${p}bv`, [D]],
      [`${p}wo`, [D, D]], [`${p}bo`, [D]],
      [`${p}ln2_g`, [D]], [`${p}ln2_b`, [D]],
      [`${p}w1`, [D, c.ffDim]], [`${p}b1`, [c.ffDim]], [`${p}w2`, [c.ffDim, D]], [`${p}b2`, [D]],
    );
  }
  out.push(['lnf_g', [D]], ['lnf_b', [D]], ['head_w', [D, c.numLabels]], ['head_b', [c.numLabels]]);
  return out;
}

export function countParameters(c: EncoderConfig): number {
  return parameterShapes(c).reduce((n, [, s]) => n + s.reduce((a, b) => a * b, 1), 0);
}
