/** A fixture variant as the tests receive it (bytes base64-encoded inside a JSON binding). */
export interface Fixture {
  bytesBase64: string;
  manifest: unknown;
  /** tokenizer.json, for a Hugging Face variant. */
  tokenizerBase64?: string;
  /** What the Python model recorded for this fixture (the LM fixtures' expected.json). */
  expected?: unknown;
}

export type Fixtures = Record<'mlp' | 'mlpSmall' | 'mlpInt8Weights' | 'text' | 'embedder' | 'ner' | 'hfText' | 'hfUnigram' | 'runFails' | 'trialFails' | 'shapeBomb' | 'image' | 'bag' | 'lmGpt2' | 'lmGpt2NoCache' | 'lmLlama', Fixture>;
