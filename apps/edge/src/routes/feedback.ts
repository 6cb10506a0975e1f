// POST /v1/feedback — the true label of a served prediction: { "requestId": "<x-pare-request-id>",
// "label": "<true label>", "item"?: <index in a { texts } batch> }. Stored in D1 for the A/B accuracy figures:
// the label must be one of the model's labels, and a prediction takes feedback once (the first label wins).
import { Hono } from 'hono';
import { z } from 'zod';
import { PareError } from '@pare/errors';
import { createDb, recordFeedback } from '@pare/db';
import type { AppContext, Env } from '../env';
import { maxBodyBytes } from '../http/bodyLimit';
import { readJsonBody } from '../http/readJsonBody';
import { parseOrRefuse } from '../http/zodRefusal';
import { readRequestId, type Receipt } from '../feedback/requestReceipt';
import { getModelState } from '../registry/modelState';
import { manifestOf, variantNotFound } from '../inference/servingVariant';

export const feedbackRoutes = new Hono<AppContext>();

const MAX_LABEL_CHARS = 256;

const requestIdMessage = '"requestId" must be the x-pare-request-id header of a predict or infer response.';
const labelMessage = `"label" must be the true label, a non-empty string of at most ${MAX_LABEL_CHARS} characters.`;
const itemMessage = '"item" must be the index of the text in a { "texts": [...] } request (0 or more).';
const feedbackBody = z.object({
  requestId: z.string({ error: requestIdMessage }).min(1, { error: requestIdMessage }),
  label: z.string({ error: labelMessage }).min(1, { error: labelMessage }).max(MAX_LABEL_CHARS, { error: labelMessage }),
  item: z
    .number({ error: itemMessage })
    .refine((n) => Number.isInteger(n) && n >= 0, { error: itemMessage })
    .nullish()
    .transform((n) => n ?? 0),
});


/** The labels of the variant that served the request (every variant of a model has the same labels). */
async function modelLabels(env: Env, receipt: Receipt): Promise<readonly string[]> {
  const state = await getModelState(env, receipt.model);
  const row = state.variants.get(receipt.variant);
  if (!row) throw variantNotFound(receipt.model, receipt.variant);
  return manifestOf(row).postprocess?.labels ?? [];
}

feedbackRoutes.post('/', async (c) => {
  const { requestId, label, item: index } = parseOrRefuse(feedbackBody, (await readJsonBody(c, Math.min(maxBodyBytes(c.env.MAX_BODY_BYTES), 16 * 1024))).value);
  const receipt = await readRequestId(c.env, requestId);
  if (!receipt) {
    throw new PareError('request_id_unknown', 'This request id was not issued by this deployment (or was altered): send the x-pare-request-id header of a predict response unchanged.', { status: 400, details: { field: 'requestId' } });
  }
  if (!receipt.predicted) {
    throw new PareError('no_prediction', 'That request returned tensor outputs, not a label: feedback applies to text-classification predictions.', { status: 422 });
  }
  const predicted = receipt.predicted[index];
  if (predicted === undefined) {
    throw new PareError('input_invalid', `"item" ${index} is out of range: that request had ${receipt.predicted.length} text(s).`, { status: 400, details: { field: 'item' } });
  }
  const labels = await modelLabels(c.env, receipt);
  if (!labels.includes(label)) {
    const shown = label.length > 40 ? `${label.slice(0, 40)}…` : label;
    throw new PareError('input_invalid', `"label" must be one of the model's labels (${labels.map((l) => `"${l}"`).join(', ')}), got "${shown}".`, { status: 400, details: { field: 'label' } });
  }
  const { recorded, correct } = await recordFeedback(createDb(c.env.DB), { requestId: receipt.id, item: index, model: receipt.model, variant: receipt.variant, predicted, label, requestTs: receipt.ts });
  if (!recorded) {
    throw new PareError('feedback_exists', `That prediction (item ${index}) has feedback already; the first label sent is kept.`, { status: 409, details: { field: 'requestId' } });
  }
  return c.json({ model: receipt.model, variant: receipt.variant, item: index, predicted, label, correct }, 201);
});
