// POST /v1/embeddings {"model", "input": string | string[]} — the OpenAI-compatible shape that vector
// databases and SDKs call, served by a feature-extraction variant like /v1/models/:model/embed.
import { Hono } from 'hono';
import { PareError } from '@pare/errors';
import type { AppContext } from '../env';
import { serveInference } from '../inference/serveInference';
import { maxBodyBytes, readJsonBody } from '../http/readJsonBody';
import { textList } from '../inference/textsOf';
import { answerTexts } from '../inference/answerTexts';

export const openaiEmbeddingRoutes = new Hono<AppContext>();

openaiEmbeddingRoutes.post('/', async (c) => {
  const { value: body, bytes } = await readJsonBody(c.req.raw, maxBodyBytes(c.env.MAX_BODY_BYTES));
  if (typeof body.model !== 'string' || body.model === '') throw new PareError('input_invalid', '"model" must name a deployed model.', { status: 400, details: { field: 'model' } });
  if (body.encoding_format !== undefined && body.encoding_format !== 'float') {
    throw new PareError('input_invalid', '"encoding_format" must be "float" (the only one served).', { status: 400, details: { field: 'encoding_format' } });
  }
  const texts = textList(body.input, 'input', true);
  return serveInference(c, { model: body.model }, async (serving) => {
    const { results, inferMs, tokenizeMs, tokens, truncation } = await answerTexts(serving, texts, ['feature-extraction']);
    const answer = {
      object: 'list',
      data: results.map((embedding, index) => ({ object: 'embedding', index, embedding })),
      model: serving.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
      ...(truncation ? { truncation } : {}),
    };
    return { body: answer, inputBytes: bytes, inferMs, tokenizeMs };
  });
});
