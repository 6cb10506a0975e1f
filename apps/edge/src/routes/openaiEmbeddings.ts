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

/** The values as float32, little-endian (every platform workerd runs on), base64-encoded. */
function float32Base64(values: readonly number[]): string {
  const bytes = new Uint8Array(Float32Array.from(values).buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export const openaiEmbeddingRoutes = new Hono<AppContext>();

const embeddingsBody = z.object({
  model: modelField,
  // OpenAI's own SDKs ask for base64 unless told otherwise: the float32 values' little-endian bytes, base64-encoded.
  encoding_format: z.enum(['float', 'base64'], { error: '"encoding_format" must be "float" or "base64".' }).optional(),
  input: textListSchema('input', true),
});

openaiEmbeddingRoutes.post('/', async (c) => {
  const { value, bytes } = await readJsonBody(c);
  const { model, input: texts, encoding_format: format } = parseOrRefuse(embeddingsBody, value);
  return serveInference(c, { model }, async (serving) => {
    const { results, inferMs, tokenizeMs, tokens, truncation } = await answerTexts(serving, texts, ['feature-extraction']);
    const answer = {
      object: 'list',
      data: results.map((embedding, index) => ({ object: 'embedding', index, embedding: format === 'base64' ? float32Base64(embedding) : embedding })),
      model: serving.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
      ...(truncation ? { truncation } : {}),
    };
    return { body: answer, inputBytes: bytes, inferMs, tokenizeMs };
  });
});
