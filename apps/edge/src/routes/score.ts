// POST /v1/models/:model/score {"texts": [...]} (or {"text"}) → how likely a text-generation variant finds each
// text: log-likelihood (natural log, every token after the first) and perplexity. Two variants' scores of the
// same texts are what an A/B fidelity check of a compressed LM compares.
import { Hono } from 'hono';
import { scoreTexts } from '@pare/runtime';
import type { AppContext } from '../env';
import { serveInference } from '../inference/serveInference';
import { readJsonBody } from '../http/readJsonBody';
import { textsOf } from '../inference/textsOf';
import { requireTextVariant } from '../inference/requireTextVariant';

export const scoreRoutes = new Hono<AppContext>();

scoreRoutes.post('/:model/score', (c) => {
  return serveInference(c, { model: c.req.param('model') }, async (serving) => {
    const { value: body, bytes } = await readJsonBody(c);
    requireTextVariant(serving, 'text-generation');
    const { texts, single } = textsOf(body);
    const run = await scoreTexts(serving.manifest, serving.tokenizer!, serving.session, texts);
    const scores = run.scores.map((s) => ({ log_likelihood: s.logLikelihood, tokens: s.tokens, perplexity: s.perplexity, ...(s.truncated ? { truncated: true } : {}) }));
    const answer = single ? { model: serving.model, variant: serving.variant, ...scores[0]! } : { model: serving.model, variant: serving.variant, scores };
    return { body: answer, inputBytes: bytes, inferMs: run.inferMs, tokenizeMs: run.tokenizeMs };
  });
});
