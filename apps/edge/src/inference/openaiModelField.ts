// The "model" field of the OpenAI-compatible routes (/v1/embeddings, /v1/completions): the deployed model to serve.
import { z } from 'zod';

const message = '"model" must name a deployed model.';
export const modelField = z.string({ error: message }).min(1, { error: message });
