// POST /v1/models/:model/generate {"prompt", "max_new_tokens", "temperature", "top_k", "top_p", "seed", "stop",
// "stream"} → a text-generation variant's continuation of the prompt (JSON, or server-sent events with
// "stream": true). Greedy at temperature 0; a seeded request samples the same tokens every time.
import { Hono } from 'hono';
import type { AppContext } from '../env';
import { serveInference } from '../inference/serveInference';
import { readJsonBody } from '../http/readJsonBody';
import { generationCaps, parseGenerationRequest } from '../inference/generationRequest';
import { generationTimings, runGeneration, type GenerationShape } from '../inference/generationRun';
import { requireTextVariant } from '../inference/requireTextVariant';

export const generateRoutes = new Hono<AppContext>();

generateRoutes.post('/:model/generate', (c) => {
  return serveInference(c, { model: c.req.param('model') }, async (serving) => {
    const { value: body, bytes } = await readJsonBody(c);
    requireTextVariant(serving, 'text-generation');
    const caps = generationCaps(c.env);
    const request = parseGenerationRequest(body, serving.manifest, caps, { maxNewTokens: 'max_new_tokens' }, body.prompt);
    const usage = (r: { usage: { promptTokens: number; completionTokens: number } }) => ({ prompt_tokens: r.usage.promptTokens, completion_tokens: r.usage.completionTokens });
    const shape: GenerationShape = {
      token: (event, index) => ({ index, token_id: event.id, text: event.text }),
      last: (result, capped) => ({ text: result.rest, finish_reason: result.finishReason, usage: usage(result), seed: request.seed, ...(capped ? { capped_by: capped } : {}), timings: generationTimings(result) }),
      body: (result, capped) => ({
        model: serving.model, variant: serving.variant, text: result.text, token_ids: result.ids, finish_reason: result.finishReason,
        usage: usage(result), seed: request.seed, ...(capped ? { capped_by: capped } : {}), timings: generationTimings(result),
      }),
    };
    return runGeneration(c, serving, request, caps, shape, bytes);
  });
});
