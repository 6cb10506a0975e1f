// PUT /admin/models/:model/variants/:variant — multipart: `model` (the .onnx file), `manifest` (JSON),
// `tokenizer` (tokenizer.json; required when the manifest's tokenizer kind is huggingface), optional `weight` and
// `newModel` ("true": accept inputs, outputs or labels that differ from the serving variants).
// Mounted under the admin routes, behind their token check.
import { Hono } from 'hono';
import type { DeployVariantResponse } from '@pare/clients/wire';
import { PareError } from '@pare/errors';
import { claimVariant, createDb, currentDeployment, deleteVariant, getVariant, listVariants, putVariant, setWeights } from '@pare/db';
import { validateWeights, withVariantWeight } from '@pare/experiments';
import { loadHuggingFaceTokenizer, parseManifest, runtimeFailureReason, sha256Hex, VARIANT_NAME, type InferenceSession, type Manifest, type TextTokenizer } from '@pare/runtime';
import type { AppContext, Env } from '../env';
import { readBody } from '../http/bodyLimit';
import { forgetSession, tryLoad } from '../inference/sessionCache';
import { invalidateModelState } from '../registry/modelState';
import { manifestOf } from '../inference/servingVariant';
import { checkManifestAgainstModel } from '../inference/modelAgreement';
import { checkConstantShapes, trialLimits, trialRun } from '../inference/trialRun';
import { checkTokenizerBytes, huggingFaceSpecOf } from '../inference/variantTokenizer';
import { variantObjectKey } from '../registry/variantObjects';
import { requireSameInterface } from '../registry/variantInterface';

export const variantUploadRoutes = new Hono<AppContext>();

/** Largest variant upload accepted (model bytes + manifest + tokenizer, multipart): the body, its parsed form and the ORT session must fit in an isolate's 128 MB. */
const MAX_VARIANT_UPLOAD_BYTES = 32 * 1024 * 1024;

function checkName(kind: 'model' | 'variant', name: string): void {
  if (!VARIANT_NAME.test(name)) throw new PareError('name_invalid', `Invalid ${kind} name "${name}": use 1-64 of a-z 0-9 . _ - starting with a letter or digit.`, { status: 400 });
}

/** The model must load, agree with its manifest and run once on a trial input; nothing is stored otherwise. */
async function checkUpload(env: Env, manifest: Manifest, bytes: Uint8Array, tokenizer: TextTokenizer | undefined): Promise<void> {
  checkConstantShapes(bytes);
  let session: InferenceSession;
  try {
    session = await tryLoad(bytes);
  } catch (cause) {
    throw new PareError('model_unloadable', `onnxruntime-web cannot load this model: ${runtimeFailureReason(cause)}.`, { status: 422, cause });
  }
  try {
    checkManifestAgainstModel(manifest, session);
    await trialRun(manifest, session, trialLimits(env.MAX_TRIAL_RUN_MS), tokenizer);
  } finally {
    await session.release();
  }
}

/** The `tokenizer` part, checked against the manifest: its bytes, and the tokenizer they make (Hugging Face kind). */
async function uploadedTokenizer(manifest: Manifest, part: File | string | null): Promise<{ bytes: Uint8Array; tokenizer: TextTokenizer } | undefined> {
  const spec = huggingFaceSpecOf(manifest);
  if (!spec) {
    if (part !== null) throw new PareError('tokenizer_mismatch', 'A "tokenizer" part was sent but the manifest names no huggingface tokenizer (its tokenizer, if any, travels inside it).', { status: 422, details: { field: 'tokenizer' } });
    return undefined;
  }
  if (part === null) throw new PareError('input_invalid', 'The manifest\'s tokenizer is a Hugging Face tokenizer.json: send it as the "tokenizer" part.', { status: 400, details: { field: 'tokenizer' } });
  const bytes = typeof part === 'string' ? new TextEncoder().encode(part) : new Uint8Array(await part.arrayBuffer());
  await checkTokenizerBytes(spec, bytes);
  try {
    return { bytes, tokenizer: await loadHuggingFaceTokenizer(bytes, spec) };
  } catch (cause) {
    throw new PareError(cause instanceof PareError && cause.code === 'tokenizer_unsupported' ? 'tokenizer_unsupported' : 'tokenizer_invalid', `tokenizer.json cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`, { status: 422, cause, details: { field: 'tokenizer' } });
  }
}

/**
 * Every variant of a model serves one task: a variant of another task is refused. Its inputs, outputs and labels
 * must match the variants that serve the model now (healthy, weighted above 0) unless `newModel` says otherwise.
 */
async function requireCompatible(env: Env, manifest: Manifest, weights: Readonly<Record<string, number>>, newModel: boolean): Promise<void> {
  const others = (await listVariants(createDb(env.DB), manifest.model)).filter((v) => v.name !== manifest.variant);
  const other = others.find((v) => manifestOf(v).task !== manifest.task);
  if (other) {
    throw new PareError('task_mismatch', `Model "${manifest.model}" serves ${manifestOf(other).task} (variant "${other.name}"); this variant is ${manifest.task}. Deploy it as another model.`, { status: 409, details: { field: 'task' } });
  }
  if (newModel) return;
  const serving = others.filter((v) => v.status === 'healthy' && (weights[v.name] ?? 0) > 0).map((v) => ({ name: v.name, manifest: manifestOf(v) }));
  requireSameInterface(manifest, serving);
}

variantUploadRoutes.put('/models/:model/variants/:variant', async (c) => {
  const model = c.req.param('model');
  const variant = c.req.param('variant');
  checkName('model', model);
  checkName('variant', variant);
  const contentType = c.req.header('content-type') ?? '';
  if (!contentType.startsWith('multipart/form-data')) {
    throw new PareError('input_invalid', 'Send multipart/form-data with a "model" file and a "manifest" JSON field.', { status: 415 });
  }
  const raw = await readBody(c, MAX_VARIANT_UPLOAD_BYTES);
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
  const tokenizer = await uploadedTokenizer(manifest, form.get('tokenizer') as File | string | null);
  const weightField = form.get('weight');
  const weight = typeof weightField === 'string' && weightField !== '' ? Number(weightField) : undefined;
  const newModelField = form.get('newModel');
  if (newModelField !== null && newModelField !== 'true' && newModelField !== 'false') throw new PareError('input_invalid', 'The "newModel" field must be "true" or "false".', { status: 400, details: { field: 'newModel' } });

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
  await checkUpload(c.env, manifest, bytes, tokenizer?.tokenizer);
  // After the upload's own consistency (422): only a manifest that describes its model is compared with the others.
  await requireCompatible(c.env, manifest, current?.weights ?? {}, newModelField === 'true');
  const r2Key = variantObjectKey(model, variant, 'model.onnx');
  const row = { model, name: variant, task: manifest.task, sha256, bytes: bytes.byteLength, manifest: JSON.stringify(manifest), r2Key };
  // A new name is claimed in D1 before R2 is written, so a concurrent upload of other bytes can neither win nor overwrite them.
  const created = !existing && (await claimVariant(db, row));
  if (!existing && !created) {
    const winner = await getVariant(db, model, variant);
    if (winner?.sha256 !== sha256) throw new PareError('variant_exists', `Variant "${model}/${variant}" was just uploaded with other bytes by a concurrent request; deploy under a new name.`, { status: 409 });
  }
  try {
    await c.env.MODELS.put(r2Key, bytes, { sha256, httpMetadata: { contentType: 'application/octet-stream' } });
    if (tokenizer) await c.env.MODELS.put(variantObjectKey(model, variant, 'tokenizer.json'), tokenizer.bytes, { httpMetadata: { contentType: 'application/json' } });
    await c.env.MODELS.put(variantObjectKey(model, variant, 'manifest.json'), JSON.stringify(manifest, null, 2), { httpMetadata: { contentType: 'application/json' } });
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
