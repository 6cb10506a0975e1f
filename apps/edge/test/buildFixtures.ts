// Node side of the tests: build the fixture variants (fp32 MLP, a smaller MLP, a text classifier) and their
// manifests; they reach the workerd tests as a JSON binding (base64 bytes).
import { buildMlpBytes } from '../../../infra/models/defaultMlp';
import { buildTinyTextClassifier, TINY_TEXT_MAX_LENGTH, TINY_TEXT_VOCAB } from '../../../infra/models/textClassifier';
import { variantManifest } from '@pare/runtime/manifest-builder';

import type { Fixture, Fixtures } from './fixtureTypes';

function fixture(bytes: Uint8Array, manifest: unknown): Fixture {
  return { bytesBase64: Buffer.from(bytes).toString('base64'), manifest };
}

/** Fixtures are built for model "fixture" / variant "fixture"; tests rewrite the two names per use. */
export async function buildFixtures(): Promise<Fixtures> {
  const mlp = buildMlpBytes({ name: 'mlp', widths: [8, 16, 4], seed: 1 });
  const mlpSmall = buildMlpBytes({ name: 'mlp-small', widths: [8, 4, 4], seed: 2 });
  const text = buildTinyTextClassifier();
  const io = { inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 8] }], outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 4] }] };
  return {
    mlp: fixture(mlp, await variantManifest(mlp, { model: 'fixture', variant: 'fixture', ...io })),
    mlpSmall: fixture(mlpSmall, await variantManifest(mlpSmall, { model: 'fixture', variant: 'fixture', ...io })),
    text: fixture(
      text,
      await variantManifest(text, {
        model: 'fixture',
        variant: 'fixture',
        task: 'text-classification',
        inputs: [{ name: 'input_ids', dtype: 'int64', shape: ['batch', TINY_TEXT_MAX_LENGTH] }],
        outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 2] }],
        preprocess: { tokenizer: { kind: 'wordpiece', vocab: TINY_TEXT_VOCAB, maxLength: TINY_TEXT_MAX_LENGTH, clsToken: '[CLS]' }, idsInput: 'input_ids' },
        postprocess: { labels: ['ham', 'spam'], softmax: true },
      }),
    ),
  };
}
