// GET /v1/models and GET /v1/models/:model/stats: public, so they show a variant's status but not its
// reason (it may hold internal error text) nor its storage key; the dashboard, behind the token, shows reasons.
import { Hono } from 'hono';
import type { ModelsResponse, ModelStats } from '@pare/clients/wire';
import { createDb, currentDeployment, listModels, listVariants, readGenerationStats, readVariantStats, UNSERVED_VARIANT } from '@pare/db';
import type { AppContext } from '../env';
import { getModelState } from '../registry/modelState';
import { parseStatsWindow, STATS_WINDOWS } from '../metrics/statsWindow';

export const modelRoutes = new Hono<AppContext>();

modelRoutes.get('/', async (c) => {
  const db = createDb(c.env.DB);
  const [models, variants] = await Promise.all([listModels(db), listVariants(db)]);
  const deployments = await Promise.all(models.map((m) => currentDeployment(db, m.name)));
  return c.json({
    models: models.map((m, i) => ({
      name: m.name,
      task: m.task,
      deploymentVersion: deployments[i]?.version ?? 0,
      variants: variants
        .filter((v) => v.model === m.name)
        .map((v) => ({
          name: v.name,
          sha256: v.sha256,
          bytes: v.bytes,
          weight: deployments[i]?.weights[v.name] ?? 0,
          status: v.status,
          createdAt: new Date(v.createdAt).toISOString(),
        })),
    })),
  } satisfies ModelsResponse);
});

modelRoutes.get('/:model/stats', async (c) => {
  const model = c.req.param('model');
  const window = parseStatsWindow(c.req.query('window'));
  const state = await getModelState(c.env, model);
  const db = createDb(c.env.DB);
  const sinceMs = Date.now() - STATS_WINDOWS[window];
  const generative = state.task === 'text-generation';
  const [isolate, tailCpu, generation] = await Promise.all([
    readVariantStats(db, { model, sinceMs, source: 'isolate' }),
    readVariantStats(db, { model, sinceMs, source: 'tail_cpu' }),
    generative ? readGenerationStats(db, { model, sinceMs }) : [],
  ]);
  const unserved = isolate.find((r) => r.variant === UNSERVED_VARIANT);
  return c.json({
    model,
    window,
    latencySource: 'isolate',
    // Requests no variant could serve (503 no_healthy_variant): a model-level outage, which no variant's figures show.
    unserved: { requests: unserved?.count ?? 0 },
    variants: [...state.variants.keys()].map((variant) => {
      const s = isolate.find((r) => r.variant === variant);
      const cpu = tailCpu.find((r) => r.variant === variant);
      const g = generation.find((r) => r.variant === variant);
      return {
        variant,
        weight: state.weights[variant] ?? 0,
        status: state.variants.get(variant)!.status,
        count: s?.count ?? 0,
        errors: s?.errors ?? 0,
        clientErrors: s?.clientErrors ?? 0,
        pinned: s?.pinned ?? 0,
        errorRate: s?.errorRate ?? 0,
        p50Ms: s?.p50Ms ?? null,
        p95Ms: s?.p95Ms ?? null,
        p99Ms: s?.p99Ms ?? null,
        cpu: cpu ? { count: cpu.count, p50Ms: cpu.p50Ms, p95Ms: cpu.p95Ms, p99Ms: cpu.p99Ms } : null,
        // Only a text-generation model's variants say how they generate.
        ...(generative
          ? { generation: { generations: g?.generations ?? 0, ttftP50Ms: g?.ttftP50Ms ?? null, ttftP95Ms: g?.ttftP95Ms ?? null, tokensPerSecondMean: g?.tokensPerSecondMean ?? null, tokensPerRequestMean: g?.tokensPerRequestMean ?? null } }
          : {}),
      };
    }),
  } satisfies ModelStats);
});
