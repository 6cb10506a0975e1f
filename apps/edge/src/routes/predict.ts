// POST /v1/models/:model/predict — text ({text} | {texts}) or tensors ({inputs}).
import { Hono } from 'hono';
import { PareError } from '@pare/errors';
import type { AppContext } from '../env';
import { serveInference } from '../inference/serveInference';
import { maxBodyBytes, readJsonBody } from '../http/readJsonBody';
import { classifyTexts, textsOf } from '../inference/textClassification';
import { feedsFromNamedInputs, runNamed } from '../inference/namedInputs';

export const predictRoutes = new Hono<AppContext>();

predictRoutes.post('/:model/predict', (c) => {
  return serveInference(c, { model: c.req.param('model') }, async (serving) => {
    const { value: body, bytes } = await readJsonBody(c.req.raw, maxBodyBytes(c.env.MAX_BODY_BYTES));
    if ('text' in body || 'texts' in body) {
      const { texts, single } = textsOf(body);
      const { predictions, inferMs } = await classifyTexts(serving.manifest, serving.session, texts);
      const result = single ? { ...predictions[0]!, variant: serving.variant } : { results: predictions, variant: serving.variant };
      return { body: { model: serving.model, ...result }, inputBytes: bytes, inferMs };
    }
    if ('inputs' in body) {
      const feeds = feedsFromNamedInputs(serving.manifest, body.inputs);
      const { outputs, inferMs } = await runNamed(serving.session, feeds);
      return { body: { model: serving.model, variant: serving.variant, outputs }, inputBytes: bytes, inferMs };
    }
    throw new PareError('input_invalid', 'Send { "text": "…" }, { "texts": ["…"] } or { "inputs": { "<name>": [...] } }.', { status: 400 });
  });
});
