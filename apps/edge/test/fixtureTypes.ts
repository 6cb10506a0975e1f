/** A fixture variant as the tests receive it (bytes base64-encoded inside a JSON binding). */
export interface Fixture {
  bytesBase64: string;
  manifest: unknown;
}

export type Fixtures = Record<'mlp' | 'mlpSmall' | 'text' | 'embedder' | 'ner' | 'runFails' | 'trialFails', Fixture>;
