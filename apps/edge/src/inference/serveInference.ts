// The frame around every inference route: pick and load the variant, run the route's work, answer with
// x-pare-variant and server-timing, and send one metric event whatever happened (in the queue before the
// response leaves, sendMetricEvent.ts; a stream's once it has ended, with its generation's figures). A request
// that pinned its variant is recorded as pinned: the A/B skips it.
import type { Context } from 'hono';
import { PareError } from '@pare/errors';
import { UNSERVED_VARIANT, type GenerationFigures } from '@pare/db';
import { unitBucket } from '@pare/experiments';
import type { AppContext } from '../env';
import { sendMetricEvents, type NewInferenceEvent } from '../metrics/sendMetricEvent';
import { markUnhealthy, resolveServingVariant, type ServingVariant } from './servingVariant';
import { noteRunFailure, noteRunSuccess, RUN_FAILURE_LIMIT } from './runFailures';
import { applySessionBudget, heldDuring, VariantLoadError } from './sessionCache';
import { scheduleOrtStart } from './ortStart';
import { serverTimingHeader } from './serverTiming';
import { warmUpSession } from './warmUpSession';
import { issueRequestId, predictedLabels } from '../feedback/requestReceipt';
import { framedResponse } from '../http/binaryBody';

export interface InferenceResult {
  body: unknown;
  inputBytes: number;
  inferMs: number;
  /** Text routes: time spent tokenizing (reported in server-timing). */
  tokenizeMs?: number;
  /** Binary data sent after the JSON body (the Open Inference Protocol's binary tensor extension). */
  binary?: Uint8Array[];
  /** A streamed answer (text/event-stream): sent instead of `body` as JSON, the session held until `heldUntil`. */
  stream?: ReadableStream<Uint8Array>;
  heldUntil?: Promise<unknown>;
  /** A generation's figures for its metric event; a stream's are known once it ends. */
  generation?: GenerationFigures | Promise<GenerationFigures>;
}

/** The A/B unit: `x-pare-unit`, else the API key, else a random id (such a request is not sticky). */
function unitOf(c: Context<AppContext>): string {
  return c.req.header('x-pare-unit') ?? c.req.header('x-api-key') ?? crypto.randomUUID();
}

/** Run the route's work; a 5xx from it adds to the variant's failure streak, which can mark it unhealthy. */
async function runCounted(c: Context<AppContext>, serving: ServingVariant, run: (serving: ServingVariant) => Promise<InferenceResult>): Promise<InferenceResult> {
  try {
    const result = await run(serving);
    noteRunSuccess(serving.model, serving.variant);
    return result;
  } catch (e) {
    const status = e instanceof PareError ? e.status : 500;
    if (status >= 500 && noteRunFailure(serving.model, serving.variant)) {
      const reason = `${RUN_FAILURE_LIMIT} consecutive requests failed to run (last: ${e instanceof Error ? e.message : String(e)})`;
      // The request's own error is what the caller must see, even if D1 cannot be updated now.
      await markUnhealthy(c.env, serving.row, reason).catch(() => undefined);
    }
    throw e;
  }
}

/** Keep the isolate alive for work that follows the answer (an app called without an execution context just lets it run). */
function afterResponse(c: Context<AppContext>, work: Promise<unknown>): void {
  let ctx: { waitUntil(promise: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined;
  }
  if (ctx) ctx.waitUntil(work);
  else void work;
}

export async function serveInference(
  c: Context<AppContext>,
  target: { model: string; pinnedVariant?: string },
  run: (serving: ServingVariant) => Promise<InferenceResult>,
): Promise<Response> {
  const started = performance.now();
  // A cold isolate starts onnxruntime-web's wasm alongside the D1 and R2 reads below (ortStart.ts).
  const ortInit = scheduleOrtStart();
  applySessionBudget(c.env);
  const unit = unitOf(c);
  const bucket = unitBucket(target.model, unit);
  let serving: ServingVariant | undefined;
  let inputBytes = Number(c.req.header('content-length') ?? 0) || 0;
  const pinned = target.pinnedVariant !== undefined;
  const events: NewInferenceEvent[] = [];
  const record = (variant: string, status: number, errorCode: string | null): NewInferenceEvent => {
    const event: NewInferenceEvent = { model: target.model, variant, status, errorCode, latencyMs: performance.now() - started, inputBytes, unitBucket: bucket, pinned };
    events.push(event);
    return event;
  };
  const onUnhealthy = (variant: string, error: VariantLoadError): void => {
    record(variant, error.status, error.code);
  };
  try {
    serving = await resolveServingVariant(c.env, { ...target, unit, onUnhealthy });
    const assignedMs = performance.now() - started;
    // The session stays held (not released by an eviction) until the route's work ends.
    const runHeld = heldDuring((s: ServingVariant) => runCounted(c, s, run));
    let result: InferenceResult;
    try {
      result = await runHeld(serving);
    } catch (e) {
      // A server-side failure of an assigned variant: the request runs once more on another healthy variant, so a
      // broken variant costs its callers nothing while a working one exists. A pinned request asked for this one.
      const status = e instanceof PareError ? e.status : 500;
      const failed: ServingVariant = serving;
      const other = pinned || status < 500 ? undefined : await resolveServingVariant(c.env, { ...target, unit, exclude: [failed.variant], onUnhealthy }).catch(() => undefined);
      if (!other) throw e;
      record(failed.variant, status, e instanceof PareError ? e.code : 'internal');
      serving = { ...other, assigned: failed.assigned, fallback: true };
      result = await runHeld(serving);
    }
    inputBytes = result.inputBytes;
    const answered = record(serving.variant, 200, null);
    const response = result.stream
      ? new Response(result.stream, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' } })
      : result.binary ? framedResponse(result.body, result.binary) : c.json(result.body as object, 200);
    response.headers.set('x-pare-variant', serving.variant);
    if (serving.fallback) response.headers.set('x-pare-fallback-from', serving.assigned);
    // The request id that POST /v1/feedback takes: a signed receipt of the variant and the predicted label(s).
    const receiptStarted = performance.now();
    const requestId = await issueRequestId(c.env, { model: target.model, variant: serving.variant, predicted: predictedLabels(result.body) });
    if (requestId) response.headers.set('x-pare-request-id', requestId);
    const queueStarted = performance.now();
    const streamed = result.generation instanceof Promise;
    if (result.generation instanceof Promise) {
      // A stream's events go once it has ended (its token count is known then); the isolate stays alive for them.
      afterResponse(c, result.generation.then((g) => { answered.generation = g; }, () => undefined).then(() => sendMetricEvents(c.env, events)));
    } else {
      if (result.generation) answered.generation = result.generation;
      await sendMetricEvents(c.env, events);
    }
    const sentAt = performance.now();
    response.headers.set('server-timing', serverTimingHeader({ initMs: ortInit.initMs(), instantiateMs: ortInit.instantiateMs(), assignMs: assignedMs - serving.loadMs, load: serving.loadTimings, tokenizeMs: result.tokenizeMs, runMs: result.inferMs, receiptMs: queueStarted - receiptStarted, ...(streamed ? {} : { queueMs: sentAt - queueStarted }), totalMs: sentAt - started }));
    // A session this request created is warmed up after the answer has left, so the next requests run at steady state.
    if (serving.loadTimings) afterResponse(c, warmUpSession({ ...serving, sha256: serving.row.sha256 }));
    return response;
  } catch (e) {
    const known = e instanceof PareError;
    const modelExists = !(known && (e.code === 'model_not_found' || e.code === 'variant_not_found'));
    // A VariantLoadError escapes only for a pinned variant, and onUnhealthy has recorded it already.
    if (modelExists && !(e instanceof VariantLoadError)) {
      record(serving?.variant ?? target.pinnedVariant ?? UNSERVED_VARIANT, known ? e.status : 500, known ? e.code : 'internal');
    }
    await sendMetricEvents(c.env, events);
    if (serving) c.set('servedVariant', serving.variant);
    throw e;
  }
}
