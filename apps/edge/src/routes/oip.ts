// Open Inference Protocol v2 (KServe "V2 inference protocol", REST) with Triton's binary tensor data extension.
// A model version is a Pare variant; without /versions/:variant the A/B assignment picks one. Errors here are
// `{ "error": "…" }` (app.ts).
import { Hono, type Context } from 'hono';
import { createDb, listVariants } from '@pare/db';
import type { AppContext } from '../env';
import { serveInference } from '../inference/serveInference';
import { readFramedBody } from '../http/binaryBody';
import { getModelState, type ModelState } from '../registry/modelState';
import { manifestOf, variantNotFound } from '../inference/servingVariant';
import { datatypeOfOrt } from '../inference/oipDatatypes';
import { checkTokenIds } from '../inference/tokenIds';
import { checkOutputNames, encodeOutputs, feedsOfInputs, parseOipRequest, textsOfInput } from '../inference/oipRequest';
import { isTextRequest, runTextInputs, TEXT_INPUT, textOutputsMeta } from '../inference/oipText';
import type { HostTensor } from '@pare/runtime';

export const oipRoutes = new Hono<AppContext>();

const SERVER = { name: 'pare', version: '0.1.0', extensions: ['binary_tensor_data'] };

oipRoutes.get('/', (c) => c.json(SERVER));
oipRoutes.get('/health/live', (c) => c.json({ live: true }));
// Ready while every deployed model has a healthy variant to serve it (a failing D1 is a 500, not ready either).
oipRoutes.get('/health/ready', async (c) => {
  const variants = await listVariants(createDb(c.env.DB));
  const models = new Set(variants.map((v) => v.model));
  const serving = new Set(variants.filter((v) => v.status === 'healthy').map((v) => v.model));
  const ready = [...models].every((m) => serving.has(m));
  return c.json({ ready }, ready ? 200 : 503);
});

/** The versions that take assigned traffic: healthy and weighted above 0. */
function servingVersions(state: ModelState): string[] {
  return [...state.variants.keys()].filter((v) => (state.weights[v] ?? 0) > 0 && state.healthy.has(v)).sort();
}

async function metadata(c: Context<AppContext>, model: string, variant?: string): Promise<Response> {
  const state = await getModelState(c.env, model);
  const versions = servingVersions(state);
  const chosen = variant ?? Object.entries(state.weights).sort((a, b) => b[1] - a[1])[0]?.[0] ?? [...state.variants.keys()][0];
  const row = chosen === undefined ? undefined : state.variants.get(chosen);
  if (!row) throw variantNotFound(model, variant ?? '(none)');
  const manifest = manifestOf(row);
  const tensor = (t: { name: string; dtype: string; shape: Array<number | string> }) => ({
    name: t.name,
    datatype: datatypeOfOrt(t.dtype),
    shape: t.shape.map((d) => (typeof d === 'number' ? d : -1)),
  });
  // A text variant is advertised by its text interface (the tensor inputs are accepted as well).
  const text = manifest.preprocess?.tokenizer ? textOutputsMeta(manifest) : undefined;
  const io = text ? { inputs: [TEXT_INPUT], outputs: text } : { inputs: manifest.inputs.map(tensor), outputs: manifest.outputs.map(tensor) };
  return c.json({ name: model, versions: variant ? [variant] : versions, platform: 'onnxruntime_onnx', ...io });
}

async function ready(c: Context<AppContext>, model: string, variant?: string): Promise<Response> {
  const state = await getModelState(c.env, model);
  if (variant !== undefined && !state.variants.has(variant)) throw variantNotFound(model, variant);
  // Any healthy variant serves the model: traffic of one that fails goes to another (servingVariant.ts).
  const isReady = variant !== undefined ? state.healthy.has(variant) : state.healthy.size > 0;
  return c.json({ name: model, ready: isReady }, isReady ? 200 : 503);
}

async function infer(c: Context<AppContext>, model: string, variant?: string): Promise<Response> {
  return serveInference(c, { model, pinnedVariant: variant }, async (serving) => {
    const framed = await readFramedBody(c);
    const request = parseOipRequest(framed);
    let results: Map<string, HostTensor>;
    let inferMs: number;
    let tokenizeMs: number | undefined;
    if (isTextRequest(serving, request.inputs)) {
      checkOutputNames(request, (textOutputsMeta(serving.manifest) ?? []).map((o) => o.name));
      ({ outputs: results, inferMs, tokenizeMs } = await runTextInputs(serving, textsOfInput(request.inputs[0]!)));
    } else {
      const feeds = feedsOfInputs(serving.manifest, request.inputs);
      checkTokenIds(serving.manifest, feeds);
      checkOutputNames(request, serving.session.outputs.map((o) => o.name));
      const started = performance.now();
      const outputs = await serving.session.run(feeds);
      inferMs = performance.now() - started;
      results = new Map(serving.session.outputs.map((o) => [o.name, outputs[o.name]!]));
    }
    const { outputs, chunks } = encodeOutputs(request, results);
    const body: Record<string, unknown> = { model_name: model, model_version: serving.variant, outputs };
    if (request.id !== undefined) body.id = request.id;
    return { body, inputBytes: framed.bytes, inferMs, tokenizeMs, binary: chunks.length > 0 ? chunks : undefined };
  });
}

oipRoutes.get('/models/:model', (c) => metadata(c, c.req.param('model')));
oipRoutes.get('/models/:model/ready', (c) => ready(c, c.req.param('model')));
oipRoutes.post('/models/:model/infer', (c) => infer(c, c.req.param('model')));
oipRoutes.get('/models/:model/versions/:variant', (c) => metadata(c, c.req.param('model'), c.req.param('variant')));
oipRoutes.get('/models/:model/versions/:variant/ready', (c) => ready(c, c.req.param('model'), c.req.param('variant')));
oipRoutes.post('/models/:model/versions/:variant/infer', (c) => infer(c, c.req.param('model'), c.req.param('variant')));
