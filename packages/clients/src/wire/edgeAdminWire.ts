import { z } from 'zod';

// Bodies of the edge's admin API (apps/edge/src/routes/admin.ts), as the edge reads and answers them.

/** A model's traffic weights at one version of its deployment history. */
const deploymentWire = z.object({
  model: z.string(),
  version: z.number(),
  weights: z.record(z.string(), z.number()),
  reason: z.string(),
  /** The experiment salt of the assignment hash ('' = unsalted); absent from edges older than salts. */
  salt: z.string().optional(),
  /** Epoch milliseconds. */
  createdAt: z.number(),
});
export type Deployment = z.infer<typeof deploymentWire>;

/** PUT /admin/models/:model/traffic */
export const trafficBodyWire = z.object({
  weights: z.record(z.string(), z.number()),
  /** A new experiment salt (reshuffles which units get which variant); absent keeps the current one. */
  salt: z.string().max(64).optional(),
});
export type TrafficBody = z.infer<typeof trafficBodyWire>;

/** POST /admin/models/:model/promote */
export const promoteBodyWire = z.object({ variant: z.string() });
export type PromoteBody = z.infer<typeof promoteBodyWire>;

/** PUT /admin/models/:model/variants/:variant (multipart upload); `deployment` is absent when the weights were left alone. */
export const deployVariantResponseWire = z.object({
  model: z.string(),
  variant: z.string(),
  sha256: z.string(),
  bytes: z.number(),
  status: z.literal('healthy'),
  created: z.boolean(),
  deployment: deploymentWire.optional(),
});
export type DeployVariantResponse = z.infer<typeof deployVariantResponseWire>;

/** Answer of traffic and promote. */
export const deploymentResponseWire = z.object({ deployment: deploymentWire });
export type DeploymentResponse = z.infer<typeof deploymentResponseWire>;

export const rollbackResponseWire = z.object({ rolledBack: deploymentWire, deployment: deploymentWire });
export type RollbackResponse = z.infer<typeof rollbackResponseWire>;

export const deleteVariantResponseWire = z.object({ deleted: z.object({ model: z.string(), variant: z.string() }) });
export type DeleteVariantResponse = z.infer<typeof deleteVariantResponseWire>;

/** GET /admin/models/:model/variants/:variant: a stored variant and its manifest; `tokenizer` when it has a tokenizer.json. */
export const variantRecordResponseWire = z.object({
  model: z.string(),
  variant: z.string(),
  sha256: z.string(),
  bytes: z.number(),
  status: z.enum(['healthy', 'unhealthy']),
  manifest: z.record(z.string(), z.unknown()),
  tokenizer: z.object({ sha256: z.string(), bytes: z.number() }).optional(),
});
export type VariantRecordResponse = z.infer<typeof variantRecordResponseWire>;

/** The files GET /admin/models/:model/variants/:variant/<file> streams. */
export type VariantDownloadFile = 'model.onnx' | 'tokenizer.json';

/** Header of a variant file download: the sha256 its manifest records for it. */
export const VARIANT_SHA256_HEADER = 'x-pare-sha256';
