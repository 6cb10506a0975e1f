// Open Inference Protocol v2 (KServe "V2 inference protocol", REST). A model version is a Pare variant;
// without /versions/:variant the A/B assignment picks one. Errors here are `{ "error": "…" }` (app.ts).
import { Hono, type Context } from 'hono';
import { PareError } from '@pare/errors';
import type { AppContext } from '../env';
import { serveInference } from '../inference/serveInference';
import { maxBodyBytes, readJsonBody } from '../http/readJsonBody';
import { getModelState } from '../registry/modelState';
import { manifestOf, variantNotFound } from '../inference/servingVariant';
import { flattenNested, fromHostTensor, toHostTensor } from '../inference/tensorCodec';
import { datatypeOfOrt, ortOfDatatype } from '../inference/oipDatatypes';
import { checkTokenIds } from '../inference/tokenIds';
import type { Feeds } from '@pare/runtime';

export const oipRoutes = new Hono<AppContext>();

const SERVER = { name: 'pare', version: '0.1.0', extensions: [] as string[] };

oipRoutes.get('/', (c) => c.json(SERVER));
oipRoutes.get('/health/live', (c) => c.json({ live: true }));
oipRoutes.get('/health/ready', (c) => c.json({ ready: true }));

async function metadata(c: Context<AppContext>, model: string, variant?: string): Promise<Response> {
  const state = await getModelState(c.env, model);
  const names = [...state.variants.keys()];
  const chosen = variant ?? Object.entries(state.weights).sort((a, b) => b[1] - a[1])[0]?.[0] ?? names[0];
  const row = chosen === undefined ? undefined : state.variants.get(chosen);
  if (!row) throw variantNotFound(model, variant ?? '(none)');
  const manifest = manifestOf(row);
  const tensor = (t: { name: string; dtype: string; shape: Array<number | string> }) => ({
    name: t.name,
    datatype: datatypeOfOrt(t.dtype),
    shape: t.shape.map((d) => (typeof d === 'number' ? d : -1)),
  });
  return c.json({ name: model, versions: variant ? [variant] : names, platform: 'onnxruntime_onnx', inputs: manifest.inputs.map(tensor), outputs: manifest.outputs.map(tensor) });
}

async function ready(c: Context<AppContext>, model: string, variant?: string): Promise<Response> {
  const state = await getModelState(c.env, model);
  if (variant !== undefined && !state.variants.has(variant)) throw variantNotFound(model, variant);
  const isReady = variant !== undefined ? state.healthy.has(variant) : Object.entries(state.weights).some(([v, w]) => w > 0 && state.healthy.has(v)) || state.healthy.size > 0;
  return c.json({ name: model, ready: isReady }, isReady ? 200 : 503);
}

function oipInvalid(message: string): PareError {
  return new PareError('input_invalid', message, { status: 400 });
}

async function infer(c: Context<AppContext>, model: string, variant?: string): Promise<Response> {
  return serveInference(c, { model, pinnedVariant: variant }, async (serving) => {
    const { value: body, bytes } = await readJsonBody(c.req.raw, maxBodyBytes(c.env.MAX_BODY_BYTES));
    if (!Array.isArray(body.inputs) || body.inputs.length === 0) throw oipInvalid('"inputs" must be a non-empty array of {name, shape, datatype, data}.');
    if (body.id !== undefined && typeof body.id !== 'string') throw oipInvalid('"id" must be a string.');
    const feeds: Feeds = {};
    for (const [i, raw] of (body.inputs as unknown[]).entries()) {
      const input = raw as { name?: unknown; shape?: unknown; datatype?: unknown; data?: unknown };
      if (typeof input !== 'object' || input === null || typeof input.name !== 'string') throw oipInvalid(`inputs[${i}].name must be a string.`);
      const spec = serving.manifest.inputs.find((s) => s.name === input.name);
      if (!spec) throw oipInvalid(`Unknown input "${input.name}"; the model takes ${serving.manifest.inputs.map((s) => `"${s.name}"`).join(', ')}.`);
      if (!Array.isArray(input.shape) || input.shape.some((d) => !Number.isInteger(d) || (d as number) < 0)) throw oipInvalid(`inputs[${i}].shape must be an array of non-negative integers.`);
      if (typeof input.datatype !== 'string') throw oipInvalid(`inputs[${i}].datatype must be a string such as "FP32".`);
      const ortType = ortOfDatatype(input.datatype);
      if (ortType !== spec.dtype) throw oipInvalid(`Input "${spec.name}" has datatype ${datatypeOfOrt(spec.dtype)}, got ${input.datatype}.`);
      if (feeds[spec.name]) throw oipInvalid(`Input "${spec.name}" is given twice.`);
      const { data } = flattenNested(input.data, spec.name);
      feeds[spec.name] = toHostTensor(spec, input.shape as number[], data);
    }
    for (const spec of serving.manifest.inputs) if (!feeds[spec.name]) throw oipInvalid(`Missing input "${spec.name}".`);
    checkTokenIds(serving.manifest, feeds);
    const outputNames = serving.session.outputs.map((o) => o.name);
    let wanted = outputNames;
    if (body.outputs !== undefined) {
      if (!Array.isArray(body.outputs)) throw oipInvalid('"outputs" must be an array of {name}.');
      wanted = (body.outputs as Array<{ name?: unknown }>).map((o, i) => {
        if (typeof o?.name !== 'string' || !outputNames.includes(o.name)) {
          throw oipInvalid(`outputs[${i}].name must be one of ${outputNames.map((n) => `"${n}"`).join(', ')}.`);
        }
        return o.name;
      });
    }
    const started = performance.now();
    const results = await serving.session.run(feeds);
    const inferMs = performance.now() - started;
    const outputs = wanted.map((name) => {
      const flat = fromHostTensor(results[name]!);
      return { name, shape: flat.shape, datatype: datatypeOfOrt(flat.dtype), data: flat.data };
    });
    const response: Record<string, unknown> = { model_name: model, model_version: serving.variant, outputs };
    if (typeof body.id === 'string') response.id = body.id;
    return { body: response, inputBytes: bytes, inferMs };
  });
}

oipRoutes.get('/models/:model', (c) => metadata(c, c.req.param('model')));
oipRoutes.get('/models/:model/ready', (c) => ready(c, c.req.param('model')));
oipRoutes.post('/models/:model/infer', (c) => infer(c, c.req.param('model')));
oipRoutes.get('/models/:model/versions/:variant', (c) => metadata(c, c.req.param('model'), c.req.param('variant')));
oipRoutes.get('/models/:model/versions/:variant/ready', (c) => ready(c, c.req.param('model'), c.req.param('variant')));
oipRoutes.post('/models/:model/versions/:variant/infer', (c) => infer(c, c.req.param('model'), c.req.param('variant')));
