// Admin API (Bearer token): publish variants, set traffic, promote, roll back, delete.
import { Hono } from 'hono';
import { promoteBodyWire, trafficBodyWire, type DeleteVariantResponse, type DeploymentResponse, type DeployVariantResponse, type RollbackResponse } from '@pare/clients/wire';
import { PareError } from '@pare/errors';
import { claimVariant, createDb, currentDeployment, deleteVariant, deploymentHistory, getVariant, listVariants, putVariant, rollbackDeployment, setWeights } from '@pare/db';
import { validateWeights, withVariantWeight } from '@pare/experiments';
import { parseManifest, runtimeFailureReason, sha256Hex, VARIANT_NAME, type InferenceSession, type Manifest } from '@pare/runtime';
import type { AppContext, Env } from '../env';
import { requireAdminToken } from '../http/bearerAuth';
import { maxBodyBytes, readBodyBytes, readJsonBody } from '../http/readJsonBody';
import { forgetSession, tryLoad } from '../inference/sessionCache';
import { invalidateModelState, unknownModel } from '../registry/modelState';
import { variantNotFound } from '../inference/servingVariant';
import { checkManifestAgainstModel } from '../inference/modelAgreement';
import { checkConstantShapes, trialLimits, trialRun } from '../inference/trialRun';

export const adminRoutes = new Hono<AppContext>();
adminRoutes.use('*', requireAdminToken);

/** Largest variant upload accepted (model bytes + manifest, multipart): the body, its parsed form and the ORT session must fit in an isolate's 128 MB. */
const MAX_VARIANT_UPLOAD_BYTES = 32 * 1024 * 1024;

function checkName(kind: 'model' | 'variant', name: string): void {
  if (!VARIANT_NAME.test(name)) throw new PareError('name_invalid', `Invalid ${kind} name "${name}": use 1-64 of a-z 0-9 . _ - starting with a letter or digit.`, { status: 400 });
}

function r2KeyOf(model: string, variant: string, file: 'model.onnx' | 'manifest.json'): string {
  return `models/${model}/${variant}/${file}`;
}

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

/** The model must load, agree with its manifest and run once on a trial input; nothing is stored otherwise. */
async function checkUpload(env: Env, manifest: Manifest, bytes: Uint8Array): Promise<void> {
  checkConstantShapes(bytes);
  let session: InferenceSession;
  try {
    session = await tryLoad(bytes);
  } catch (cause) {
    throw new PareError('model_unloadable', `onnxruntime-web cannot load this model: ${runtimeFailureReason(cause)}.`, { status: 422, cause });
  }
  try {
    checkManifestAgainstModel(manifest, session);
    await trialRun(manifest, session, trialLimits(env.MAX_TRIAL_RUN_MS));
  } finally {
    await session.release();
  }
}

// PUT /admin/models/:model/variants/:variant — multipart: `model` (the .onnx file), `manifest` (JSON), optional `weight`.
adminRoutes.put('/models/:model/variants/:variant', async (c) => {
  const model = c.req.param('model');
  const variant = c.req.param('variant');
  checkName('model', model);
  checkName('variant', variant);
  const contentType = c.req.header('content-type') ?? '';
  if (!contentType.startsWith('multipart/form-data')) {
    throw new PareError('input_invalid', 'Send multipart/form-data with a "model" file and a "manifest" JSON field.', { status: 415 });
  }
  const raw = await readBodyBytes(c.req.raw, MAX_VARIANT_UPLOAD_BYTES);
  let form: FormData;
  try {
    form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  } catch (cause) {
    throw new PareError('input_invalid', 'The multipart body could not be parsed.', { status: 400, cause });
  }
  const file = form.get('model') as File | string | null;
  const manifestField = form.get('manifest') as File | string | null;
  if (!file || typeof file === 'string') throw new PareError('input_invalid', 'Missing the "model" file part.', { status: 400, details: { field: 'model' } });
  if (manifestField === null) throw new PareError('input_invalid', 'Missing the "manifest" part.', { status: 400, details: { field: 'manifest' } });
  const manifestText = typeof manifestField === 'string' ? manifestField : await manifestField.text();
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(manifestText);
  } catch {
    throw new PareError('manifest_invalid', 'The manifest is not valid JSON.', { status: 400, details: { field: 'manifest' } });
  }
  const manifest = parseManifest(manifestJson);
  if (manifest.model !== model || manifest.variant !== variant) {
    throw new PareError('manifest_mismatch', `The manifest is for "${manifest.model}/${manifest.variant}", not "${model}/${variant}".`, { status: 400 });
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const sha256 = await sha256Hex(bytes);
  if (sha256 !== manifest.sha256) throw new PareError('sha256_mismatch', `The model bytes hash to ${sha256} but the manifest says ${manifest.sha256}.`, { status: 400 });
  if (bytes.byteLength !== manifest.bytes) throw new PareError('size_mismatch', `The model is ${bytes.byteLength} bytes but the manifest says ${manifest.bytes}.`, { status: 400 });
  const weightField = form.get('weight');
  const weight = typeof weightField === 'string' && weightField !== '' ? Number(weightField) : undefined;

  const db = createDb(c.env.DB);
  const existing = await getVariant(db, model, variant);
  if (existing && existing.sha256 !== sha256) {
    throw new PareError('variant_exists', `Variant "${model}/${variant}" already exists with other bytes; variants are immutable, deploy under a new name.`, { status: 409 });
  }
  // The new weights are worked out (and refused) before anything is stored: a 400 leaves no trace.
  const current = await currentDeployment(db, model);
  // Only existing, healthy variants share the rest when the weights are rescaled (a deleted one may linger at 0%).
  const servable = new Set((await listVariants(db, model)).filter((v) => v.status === 'healthy').map((v) => v.name));
  const others = Object.fromEntries(Object.entries(current?.weights ?? {}).filter(([v]) => v === variant || servable.has(v)));
  const weights = weight !== undefined || !current ? withVariantWeight(others, variant, weight ?? 100) : undefined;
  if (weights) validateWeights(weights);
  await checkUpload(c.env, manifest, bytes);
  const r2Key = r2KeyOf(model, variant, 'model.onnx');
  const row = { model, name: variant, task: manifest.task, sha256, bytes: bytes.byteLength, manifest: JSON.stringify(manifest), r2Key };
  // A new name is claimed in D1 before R2 is written, so a concurrent upload of other bytes can neither win nor overwrite them.
  const created = !existing && (await claimVariant(db, row));
  if (!existing && !created) {
    const winner = await getVariant(db, model, variant);
    if (winner?.sha256 !== sha256) throw new PareError('variant_exists', `Variant "${model}/${variant}" was just uploaded with other bytes by a concurrent request; deploy under a new name.`, { status: 409 });
  }
  try {
    await c.env.MODELS.put(r2Key, bytes, { sha256, httpMetadata: { contentType: 'application/octet-stream' } });
    await c.env.MODELS.put(r2KeyOf(model, variant, 'manifest.json'), JSON.stringify(manifest, null, 2), { httpMetadata: { contentType: 'application/json' } });
    await putVariant(db, row);
  } catch (e) {
    // A claim whose bytes never arrived would block the name: give it back.
    if (created) await deleteVariant(db, model, variant).catch(() => undefined);
    throw e;
  }
  forgetSession(sha256);

  const deployment = weights ? await setWeights(db, model, weights, `deploy ${variant}`) : current;
  invalidateModelState(model);
  return c.json({ model, variant, sha256, bytes: bytes.byteLength, status: 'healthy', created, deployment } satisfies DeployVariantResponse, created ? 201 : 200);
});

adminRoutes.put('/models/:model/traffic', async (c) => {
  const model = c.req.param('model');
  const { value: body } = await readJsonBody(c.req.raw, maxBodyBytes(c.env.MAX_BODY_BYTES));
  const parsed = trafficBodyWire.safeParse(body);
  if (!parsed.success) {
    const weights = body.weights;
    // A weight that is not a number is named by validateWeights; any other shape gets the example.
    if (typeof weights === 'object' && weights !== null && !Array.isArray(weights)) validateWeights(weights as Record<string, number>);
    throw new PareError('weights_invalid', 'Send { "weights": { "<variant>": <0..100>, ... } } summing to 100.', { status: 400 });
  }
  const { weights } = parsed.data;
  validateWeights(weights);
  await requireHealthyVariants(c.env, model, weights);
  const deployment = await setWeights(createDb(c.env.DB), model, weights, 'traffic');
  invalidateModelState(model);
  return c.json({ deployment } satisfies DeploymentResponse);
});

adminRoutes.post('/models/:model/promote', async (c) => {
  const model = c.req.param('model');
  const { value: body } = await readJsonBody(c.req.raw, maxBodyBytes(c.env.MAX_BODY_BYTES));
  const parsed = promoteBodyWire.safeParse(body);
  if (!parsed.success) throw new PareError('input_invalid', 'Send { "variant": "<name>" }.', { status: 400, details: { field: 'variant' } });
  const { variant } = parsed.data;
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
  await c.env.MODELS.delete([row.r2Key, r2KeyOf(model, variant, 'manifest.json')]);
  forgetSession(row.sha256);
  invalidateModelState(model);
  return c.json({ deleted: { model, variant } } satisfies DeleteVariantResponse);
});
