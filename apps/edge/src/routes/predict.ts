// POST /v1/models/:model/predict — text ({text} | {texts}) for text- and token-classification variants, or
// tensors ({inputs}) for any variant.
import { Hono } from 'hono';
import { PareError } from '@pare/errors';
import type { AppContext } from '../env';
import { serveInference } from '../inference/serveInference';
import { readJsonBody } from '../http/readJsonBody';
import { textsOf } from '../inference/textsOf';
import { answerTexts } from '../inference/answerTexts';
import { feedsFromNamedInputs, runNamed } from '../inference/namedInputs';

export const predictRoutes = new Hono<AppContext>();

predictRoutes.post('/:model/predict', (c) => {
  return serveInference(c, { model: c.req.param('model') }, async (serving) => {
    const { value: body, bytes } = await readJsonBody(c);
    if ('text' in body || 'texts' in body) {
      const { texts, single } = textsOf(body);
      const { results, inferMs, tokenizeMs, truncation } = await answerTexts(serving, texts, ['text-classification', 'token-classification']);
      // A text's answer: { label, scores } for classification, { entities } for token classification.
      const answers = results.map((r) => (Array.isArray(r) ? { entities: r } : r));
      const result = single ? { ...answers[0]!, variant: serving.variant } : { results: answers, variant: serving.variant };
      return { body: { model: serving.model, ...result, ...(truncation ? { truncation } : {}) }, inputBytes: bytes, inferMs, tokenizeMs };
    }
    if ('inputs' in body) {
      const feeds = feedsFromNamedInputs(serving.manifest, body.inputs);
      const { outputs, inferMs } = await runNamed(serving.session, feeds);
      return { body: { model: serving.model, variant: serving.variant, outputs }, inputBytes: bytes, inferMs };
    }
    throw new PareError('input_invalid', 'Send { "text": "…" }, { "texts": ["…"] } or { "inputs": { "<name>": [...] } }.', { status: 400 });
  });
});
