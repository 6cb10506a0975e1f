// GET /admin/models/:model/variants/:variant — the stored variant: its row and manifest as JSON.
// GET /admin/models/:model/variants/:variant/model.onnx and …/tokenizer.json — its bytes, streamed from R2 (never
// held whole in the isolate), with the manifest's sha256 and size in headers so the reader can check what it got.
// Mounted under the admin routes, behind their token check: an origin distils from a deployed variant this way.
import { Hono } from 'hono';
import { VARIANT_SHA256_HEADER, type VariantRecordResponse, type VariantDownloadFile } from '@pare/clients/wire';
import { PareError } from '@pare/errors';
import { createDb, getVariant, type VariantRow } from '@pare/db';
import type { AppContext, Env } from '../env';
import { manifestOf, variantNotFound } from '../inference/servingVariant';
import { huggingFaceSpecOf } from '../inference/variantTokenizer';
import { variantObjectKey } from '../registry/variantObjects';

export const variantDownloadRoutes = new Hono<AppContext>();

async function storedVariant(env: Env, model: string, variant: string): Promise<VariantRow> {
  const row = await getVariant(createDb(env.DB), model, variant);
  if (!row) throw variantNotFound(model, variant);
  return row;
}

/** What the file must be, from the manifest; undefined when the variant has no such file. */
function expectedFile(row: VariantRow, file: VariantDownloadFile): { key: string; sha256: string; bytes: number; contentType: string } | undefined {
  if (file === 'model.onnx') return { key: row.r2Key, sha256: row.sha256, bytes: row.bytes, contentType: 'application/octet-stream' };
  const spec = huggingFaceSpecOf(manifestOf(row));
  return spec && { key: variantObjectKey(row.model, row.name, 'tokenizer.json'), sha256: spec.sha256, bytes: spec.bytes, contentType: 'application/json' };
}

variantDownloadRoutes.get('/models/:model/variants/:variant', async (c) => {
  const row = await storedVariant(c.env, c.req.param('model'), c.req.param('variant'));
  const manifest = manifestOf(row);
  const tokenizer = huggingFaceSpecOf(manifest);
  return c.json({
    model: row.model, variant: row.name, sha256: row.sha256, bytes: row.bytes, status: row.status,
    manifest: JSON.parse(row.manifest) as Record<string, unknown>,
    ...(tokenizer ? { tokenizer: { sha256: tokenizer.sha256, bytes: tokenizer.bytes } } : {}),
  } satisfies VariantRecordResponse);
});

for (const file of ['model.onnx', 'tokenizer.json'] as const) {
  variantDownloadRoutes.get(`/models/:model/variants/:variant/${file}`, async (c) => {
    const model = c.req.param('model');
    const variant = c.req.param('variant');
    const row = await storedVariant(c.env, model, variant);
    const expected = expectedFile(row, file);
    if (!expected) {
      throw new PareError('file_not_found', `Variant "${model}/${variant}" has no ${file}: its tokenizer, if any, travels inside its manifest.`, { status: 404, details: { field: file } });
    }
    const object = await c.env.MODELS.get(expected.key);
    // A row whose object is gone or of another size cannot be handed out as this variant.
    if (!object || object.size !== expected.bytes) {
      throw new PareError('variant_unavailable', `Variant "${model}/${variant}": ${file} is ${object ? `${object.size} bytes in storage, not the manifest's ${expected.bytes}` : 'missing from storage'}.`, { status: 503 });
    }
    return new Response(object.body, {
      headers: { 'content-type': expected.contentType, 'content-length': String(expected.bytes), [VARIANT_SHA256_HEADER]: expected.sha256, 'cache-control': 'no-store' },
    });
  });
}
