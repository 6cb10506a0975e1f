// POST /v1/models/:model/embed {"texts": [...]} (or {"text"}) → one vector per text from a feature-extraction variant.
import { Hono } from 'hono';
import type { AppContext } from '../env';
import { serveInference } from '../inference/serveInference';
import { readJsonBody } from '../http/readJsonBody';
import { textsOf } from '../inference/textsOf';
import { answerTexts } from '../inference/answerTexts';

export const embedRoutes = new Hono<AppContext>();

embedRoutes.post('/:model/embed', (c) => {
  return serveInference(c, { model: c.req.param('model') }, async (serving) => {
    const { value: body, bytes } = await readJsonBody(c);
    const { texts } = textsOf(body);
    const { results, inferMs, tokenizeMs, truncation } = await answerTexts(serving, texts, ['feature-extraction']);
    const answer = { model: serving.model, variant: serving.variant, embeddings: results, dimensions: results[0]?.length ?? 0, ...(truncation ? { truncation } : {}) };
    return { body: answer, inputBytes: bytes, inferMs, tokenizeMs };
  });
});
