// Admin API (Bearer token): publish variants (./variantUpload.ts), read them back (./variantDownload.ts), set
// traffic, promote, roll back, delete.
import { Hono } from 'hono';
import { promoteBodyWire, trafficBodyWire, type DeleteVariantResponse, type DeploymentResponse, type RollbackResponse } from '@pare/clients/wire';
import { PareError } from '@pare/errors';
import { createDb, currentDeployment, deleteVariant, deploymentHistory, getVariant, listVariants, rollbackDeployment, setWeights } from '@pare/db';
import { validateWeights } from '@pare/experiments';
import type { AppContext, Env } from '../env';
import { requireAdminToken } from '../http/bearerAuth';
import { parseOrRefuse } from '../http/zodRefusal';
import { readJsonBody } from '../http/readJsonBody';
import { forgetSession } from '../inference/sessionCache';
import { invalidateModelState, unknownModel } from '../registry/modelState';
import { variantNotFound } from '../inference/servingVariant';
import { variantObjectKey } from '../registry/variantObjects';
import { variantUploadRoutes } from './variantUpload';
import { variantDownloadRoutes } from './variantDownload';

export const adminRoutes = new Hono<AppContext>();
adminRoutes.use('*', requireAdminToken);
adminRoutes.route('/', variantUploadRoutes);
adminRoutes.route('/', variantDownloadRoutes);

async function requireHealthyVariants(env: Env, model: string, weights: Record<string, number>): Promise<void> {
  const variants = new Map((await listVariants(createDb(env.DB), model)).map((v) => [v.name, v]));
  if (variants.size === 0) throw unknownModel(model);
  for (const [variant, weight] of Object.entries(weights)) {
    const row = variants.get(variant);
    if (!row) throw variantNotFound(model, variant);
    if (weight > 0 && row.status !== 'healthy') {
      throw new PareError('variant_unhealthy', `Variant "${model}/${variant}" is unhealthy (${row.statusReason ?? 'unknown reason'}); only healthy variants can take traffic. Re-deploy it first.`, { status: 409 });
    }
  }
}

adminRoutes.put('/models/:model/traffic', async (c) => {
  const model = c.req.param('model');
  const { value: body } = await readJsonBody(c);
  const parsed = trafficBodyWire.safeParse(body);
  if (!parsed.success) {
    const weights = body.weights;
    // A weight that is not a number is named by validateWeights; any other shape gets the example.
    if (typeof weights === 'object' && weights !== null && !Array.isArray(weights)) validateWeights(weights as Record<string, number>);
    throw new PareError('weights_invalid', 'Send { "weights": { "<variant>": <0..100>, ... } } summing to 100.', { status: 400 });
  }
  const { weights, salt } = parsed.data;
  validateWeights(weights);
  await requireHealthyVariants(c.env, model, weights);
  const deployment = await setWeights(createDb(c.env.DB), model, weights, salt === undefined ? 'traffic' : `traffic, salt "${salt}"`, Date.now(), { salt });
  invalidateModelState(model);
  return c.json({ deployment } satisfies DeploymentResponse);
});

adminRoutes.post('/models/:model/promote', async (c) => {
  const model = c.req.param('model');
  const { value: body } = await readJsonBody(c);
  const { variant } = parseOrRefuse(promoteBodyWire, body, { message: () => 'Send { "variant": "<name>" }.' });
  const weights = { [variant]: 100 };
  await requireHealthyVariants(c.env, model, weights);
  const deployment = await setWeights(createDb(c.env.DB), model, weights, `promote ${variant}`);
  invalidateModelState(model);
  return c.json({ deployment } satisfies DeploymentResponse);
});

adminRoutes.post('/models/:model/rollback', async (c) => {
  const model = c.req.param('model');
  const db = createDb(c.env.DB);
  // The weights to restore must still name existing, healthy variants (one may have been deleted since).
  const previous = (await deploymentHistory(db, model)).filter((d) => !d.rolledBack)[1];
  if (previous) {
    try {
      await requireHealthyVariants(c.env, model, Object.fromEntries(Object.entries(previous.weights).filter(([, w]) => w > 0)));
    } catch (e) {
      if (!(e instanceof PareError)) throw e;
      throw new PareError('rollback_refused', `Cannot roll back "${model}" to version ${previous.version}: ${e.message} Set the traffic instead (pare traffic).`, { status: 409, cause: e });
    }
  }
  const result = await rollbackDeployment(db, model);
  if (!result) {
    const current = await currentDeployment(db, model);
    if (!current) throw unknownModel(model);
    throw new PareError('nothing_to_roll_back', `Model "${model}" has no earlier traffic weights to roll back to (current version ${current.version}).`, { status: 409 });
  }
  invalidateModelState(model);
  return c.json({ rolledBack: result.from, deployment: result.to } satisfies RollbackResponse);
});

adminRoutes.delete('/models/:model/variants/:variant', async (c) => {
  const model = c.req.param('model');
  const variant = c.req.param('variant');
  const db = createDb(c.env.DB);
  const row = await getVariant(db, model, variant);
  if (!row) throw variantNotFound(model, variant);
  const current = await currentDeployment(db, model);
  const weight = current?.weights[variant] ?? 0;
  if (weight > 0) throw new PareError('variant_has_traffic', `Variant "${model}/${variant}" has ${weight}% of the traffic; move it elsewhere (pare traffic / promote) before deleting.`, { status: 409 });
  await deleteVariant(db, model, variant);
  await c.env.MODELS.delete([row.r2Key, variantObjectKey(model, variant, 'manifest.json'), variantObjectKey(model, variant, 'tokenizer.json')]);
  forgetSession(row.sha256);
  invalidateModelState(model);
  return c.json({ deleted: { model, variant } } satisfies DeleteVariantResponse);
});
