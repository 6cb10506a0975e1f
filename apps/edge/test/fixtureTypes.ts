/** A fixture variant as the tests receive it (bytes base64-encoded inside a JSON binding). */
export interface Fixture {
  bytesBase64: string;
  manifest: unknown;
  /** tokenizer.json, for a Hugging Face variant. */
  tokenizerBase64?: string;
}

export type Fixtures = Record<'mlp' | 'mlpSmall' | 'mlpInt8Weights' | 'text' | 'embedder' | 'ner' | 'hfText' | 'runFails' | 'trialFails' | 'shapeBomb' | 'image' | 'bag', Fixture>;
