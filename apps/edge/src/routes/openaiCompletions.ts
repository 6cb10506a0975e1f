// POST /v1/completions {"model", "prompt", "max_tokens", "temperature", "top_p", "seed", "stop", "stream"} — the
// OpenAI-compatible shape SDKs call, served by a text-generation variant like /v1/models/:model/generate.
// A stream sends one `text_completion` chunk per token, then one with finish_reason and usage, then [DONE].
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../env';
import { serveInference } from '../inference/serveInference';
import { readJsonBody } from '../http/readJsonBody';
import { parseOrRefuse } from '../http/zodRefusal';
import { modelField } from '../inference/openaiModelField';
import { generationCaps, parseGenerationRequest } from '../inference/generationRequest';
import { runGeneration, type GenerationShape } from '../inference/generationRun';
import { requireTextVariant } from '../inference/requireTextVariant';

export const openaiCompletionRoutes = new Hono<AppContext>();

/** What picks the model, checked before it is looked up; the generation fields are the variant's to check. */
const completionTarget = z.object({
  model: modelField,
  n: z.literal(1, { error: '"n" must be 1 (one completion per request).' }).optional(),
});

/** OpenAI's finish reasons are "stop" and "length": a time cap reads as "length", with capped_by saying which. */
const openaiReason = (reason: string): string | null => (reason === 'stop' ? 'stop' : reason === 'aborted' ? null : 'length');

openaiCompletionRoutes.post('/', async (c) => {
  const { value: body, bytes } = await readJsonBody(c);
  const { model } = parseOrRefuse(completionTarget, body);
  // OpenAI's prompt may be a list: one prompt in a list is that prompt.
  const prompt = Array.isArray(body.prompt) && body.prompt.length === 1 ? body.prompt[0] : body.prompt;
  return serveInference(c, { model }, async (serving) => {
    requireTextVariant(serving, 'text-generation');
    const caps = generationCaps(c.env);
    const request = parseGenerationRequest(body, serving.manifest, caps, { maxNewTokens: 'max_tokens' }, prompt);
    const id = `cmpl-${crypto.randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const usage = (r: { usage: { promptTokens: number; completionTokens: number } }) => ({ prompt_tokens: r.usage.promptTokens, completion_tokens: r.usage.completionTokens, total_tokens: r.usage.promptTokens + r.usage.completionTokens });
    const chunk = (text: string, finish: string | null) => ({ id, object: 'text_completion', created, model, choices: [{ text, index: 0, logprobs: null, finish_reason: finish }] });
    const shape: GenerationShape = {
      token: (event) => chunk(event.text, null),
      last: (result, capped) => ({ ...chunk(result.rest, openaiReason(result.finishReason)), usage: usage(result), ...(capped ? { capped_by: capped } : {}) }),
      body: (result, capped) => ({ ...chunk(result.text, openaiReason(result.finishReason)), usage: usage(result), system_fingerprint: `${serving.variant}:${request.seed}`, ...(capped ? { capped_by: capped } : {}) }),
      done: '[DONE]',
    };
    return runGeneration(c, serving, request, caps, shape, bytes);
  });
});
