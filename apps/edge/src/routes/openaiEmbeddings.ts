// POST /v1/embeddings {"model", "input": string | string[]} — the OpenAI-compatible shape that vector
// databases and SDKs call, served by a feature-extraction variant like /v1/models/:model/embed.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../env';
import { serveInference } from '../inference/serveInference';
import { readJsonBody } from '../http/readJsonBody';
import { parseOrRefuse } from '../http/zodRefusal';
import { modelField } from '../inference/openaiModelField';
import { textListSchema } from '../inference/textsOf';
import { answerTexts } from '../inference/answerTexts';

export const openaiEmbeddingRoutes = new Hono<AppContext>();

const embeddingsBody = z.object({
  model: modelField,
  encoding_format: z.literal('float', { error: '"encoding_format" must be "float" (the only one served).' }).optional(),
  input: textListSchema('input', true),
});

openaiEmbeddingRoutes.post('/', async (c) => {
  const { value, bytes } = await readJsonBody(c);
  const { model, input: texts } = parseOrRefuse(embeddingsBody, value);
  return serveInference(c, { model }, async (serving) => {
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
